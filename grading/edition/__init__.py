"""The student edition of ``helpers``: what the released notebooks may import (no code of their exercises), cut
down to what they use, its checks' values stored on the visible cases, and the wheel a JupyterHub image installs.
"""
