// Package rules holds the pure domain rules of SPEC.md: no I/O, no clocks read, no globals; callers pass everything in.
package rules
