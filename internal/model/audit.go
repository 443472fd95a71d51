package model

import "time"

// AuditEvent is one entry of the tamper-evident log (R-FLOW-12): who did what to which
// object, from which state to which, why, and what changed. Detail must never hold
// personal data in clear; callers put masked values there.
type AuditEvent struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorName  string
	OrgID      int64
	Action     string
	ObjectType string
	ObjectID   int64
	FromState  string
	ToState    string
	Reason     string
	Detail     string // JSON
	PrevHash   string
	Hash       string
}
