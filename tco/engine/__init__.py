"""The numeric core: pure numpy functions, no I/O, no pydantic, no textual.

Everything is vectorized over candidates (axis 0) and workload points (axis 1): the same
call prices one scenario or a million workload variants.
"""
