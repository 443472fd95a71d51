// Package model holds the plain domain types of zhicheng: organisations, users, roles,
// audit events. It has no I/O and imports nothing of ours; behaviour lives in rules
// (pure) and service (use cases).
package model
