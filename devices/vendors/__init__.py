"""Readers behind their vendors' SDK libraries, bound with ctypes: Futronic, Suprema, SecuGen.

`sdk` finds and loads a vendor library (a configurable path first, then the vendor's default names)
and binds its functions with the right calling convention; each vendor module transcribes its public
header (types, packed structs, error codes) and implements the generic reader's hooks.
"""
