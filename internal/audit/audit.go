// Package audit owns the hash chain of the audit log (R-FLOW-12): how an entry's hash is
// computed from its content and its predecessor's hash, and how a chain read back from the
// database is checked. It does no I/O; the store appends and reads rows.
package audit

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/emmansun/gmsm/sm3"

	"zhicheng/internal/model"
)

// Hash returns the SM3 hash (hex) of e's content chained to e.PrevHash. Every field a
// person could want to change is covered, including the id, so that reordering or
// renumbering rows breaks the chain too.
func Hash(e model.AuditEvent) string {
	// A JSON array is an unambiguous encoding: no field can bleed into the next.
	b, err := json.Marshal([]any{
		e.ID, e.At.UnixMilli(), e.ActorID, e.ActorName, e.OrgID, e.Action,
		e.ObjectType, e.ObjectID, e.FromState, e.ToState, e.Reason, e.Detail, e.PrevHash,
	})
	if err != nil {
		panic(fmt.Sprintf("audit: marshal of plain values failed: %v", err)) // cannot happen
	}
	sum := sm3.Sum(b)
	return hex.EncodeToString(sum[:])
}

// Problem is one place where the chain does not hold.
type Problem struct {
	ID      int64  // the row at which the problem shows
	Message string // Chinese
}

func (p Problem) String() string { return fmt.Sprintf("#%d: %s", p.ID, p.Message) }

// Head is the chain's recorded tip.
type Head struct {
	LastID   int64
	LastHash string
}

// Verifier checks a chain row by row, in id order, so that the store can stream rows
// without holding the whole log in memory.
type Verifier struct {
	prevID   int64
	prevHash string
	rows     int64
	problems []Problem
}

// Add checks the next row.
func (v *Verifier) Add(e model.AuditEvent) {
	v.rows++
	if e.ID != v.prevID+1 {
		v.problems = append(v.problems, Problem{e.ID, fmt.Sprintf("编号不连续：上一条为 #%d，其间 %d 条记录被删除", v.prevID, e.ID-v.prevID-1)})
	}
	if e.PrevHash != v.prevHash {
		v.problems = append(v.problems, Problem{e.ID, "前序哈希与上一条记录不符（上一条被修改或删除）"})
	}
	if Hash(e) != e.Hash {
		v.problems = append(v.problems, Problem{e.ID, "记录内容与其哈希不符（该记录被修改）"})
	}
	v.prevID, v.prevHash = e.ID, e.Hash
}

// Finish compares the last row with the recorded head, which catches deleted tail rows,
// and returns every problem found.
func (v *Verifier) Finish(h Head) []Problem {
	if h.LastID != v.prevID {
		v.problems = append(v.problems, Problem{h.LastID, fmt.Sprintf("链尾记录为 #%d，但表中最后一条为 #%d（末尾记录被删除或伪造）", h.LastID, v.prevID)})
	} else if h.LastHash != v.prevHash {
		v.problems = append(v.problems, Problem{h.LastID, "链尾哈希与最后一条记录不符"})
	}
	return v.problems
}

// Rows is how many rows were checked.
func (v *Verifier) Rows() int64 { return v.rows }
