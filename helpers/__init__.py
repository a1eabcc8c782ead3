"""Neural Networks from Scratch: helpers shared by every notebook (data, plots, gradient checking, checks)."""
