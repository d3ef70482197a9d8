"""Content as data: question banks, round definitions, messages (i18n), codebooks, sample roster.

This package imports nothing else of Outward's. Everything here is read from files shipped in the
package, validated at load, and returned as small frozen dataclasses.
"""
