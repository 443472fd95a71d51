package service

import (
	"context"
	"fmt"

	"zhicheng/internal/audit"
	"zhicheng/internal/authz"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// Audit lets the office read and verify the audit log (R-FLOW-12).
type Audit struct{ d Deps }

// List returns entries newest first: the whole log for the office, the entries of their
// own organisation for an administrator.
func (s *Audit) List(ctx context.Context, a model.Actor, f store.AuditFilter) ([]model.AuditEvent, error) {
	if !authz.Allowed(a, authz.ViewAudit) {
		if err := require(a, authz.ViewAuditOrg); err != nil {
			return nil, err
		}
		f.OrgID = a.OrgID
	}
	var out []model.AuditEvent
	err := s.d.DB.View(ctx, func(q *store.Q) (err error) { out, err = q.AuditEvents(ctx, f); return err })
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}

// Verification is the result of checking the whole chain.
type Verification struct {
	Rows     int64
	Head     audit.Head
	Problems []audit.Problem
}

// Verify checks the whole chain.
func (s *Audit) Verify(ctx context.Context, a model.Actor) (Verification, error) {
	if err := require(a, authz.ViewAudit); err != nil {
		return Verification{}, err
	}
	problems, rows, head, err := s.d.DB.VerifyAudit(ctx)
	if err != nil {
		return Verification{}, fmt.Errorf("verify audit: %w", err)
	}
	return Verification{Rows: rows, Head: head, Problems: problems}, nil
}
