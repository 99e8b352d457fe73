"""Tam Nông: one system of record for OCOP, NTM and sustainable poverty reduction."""
