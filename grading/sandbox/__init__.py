"""The sandbox: process trees and their memory, Linux Landlock and seccomp, and the launcher that confines a
student's kernel before any of its code runs (``python -m grading.sandbox.kernel_launcher``).
"""
