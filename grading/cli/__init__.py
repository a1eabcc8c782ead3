"""The command line (``python -m grading``): its commands, the demo class, and students' self-check (validate).
"""
