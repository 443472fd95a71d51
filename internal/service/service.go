// Package service holds zhicheng's use cases. Each exported method is one use case and one
// transaction: it checks the caller's right (authz and scope), validates input with the
// pure rules, changes the store and appends the audit entry, all or nothing.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"zhicheng/internal/auth"
	"zhicheng/internal/authz"
	"zhicheng/internal/blob"
	"zhicheng/internal/chsi"
	"zhicheng/internal/model"
	"zhicheng/internal/pii"
	"zhicheng/internal/store"
)

// Blobs stores evidence bytes by content (internal/blob).
type Blobs interface {
	Put(ctx context.Context, r io.Reader, limit int64) (blob.Ref, error)
	Open(ctx context.Context, sha string) (io.ReadCloser, error)
	// List and Delete are for the collector of unreferenced blobs (Storage).
	List(ctx context.Context, fn func(blob.Info) error) error
	Delete(ctx context.Context, sha string, storedBefore time.Time) (bool, error)
}

// Deps is what the use cases need; cmd/zhicheng wires the concrete values.
type Deps struct {
	DB       *store.DB
	Blobs    Blobs
	Keys     *pii.Keys
	Password auth.Params // argon2id cost; tests lower it
	Now      func() time.Time
	Log      *slog.Logger
	CHSI     chsi.Verifier // 同步学信网; nil: the sync is unavailable and the proofs are asked for
}

// Services groups the use cases by what they own.
type Services struct {
	Accounts     *Accounts
	Orgs         *Orgs
	Audit        *Audit
	Plans        *Plans
	Calendar     *Calendar
	Blacklist    *Blacklist
	Entrustments *Entrustments
	Reset        *Reset
	Applications *Applications
	Review       *Review
	Storage      *Storage
}

// New returns the use cases over deps.
func New(d Deps) *Services {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Password == (auth.Params{}) {
		d.Password = auth.DefaultParams()
	}
	apps := &Applications{d: d, checks: make(chan struct{}, 2*runtime.NumCPU())}
	return &Services{Accounts: &Accounts{d}, Orgs: &Orgs{d}, Audit: &Audit{d}, Plans: &Plans{d: d}, Calendar: &Calendar{d},
		Blacklist: &Blacklist{d}, Entrustments: &Entrustments{d}, Reset: &Reset{d}, Applications: apps,
		Review: &Review{d: d, apps: apps, cal: &Calendar{d}}, Storage: &Storage{d}}
}

// Shanghai is where every date of the procedure is read (R-CAL-01).
var shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is linked into the binary (cmd/zhicheng), so this cannot fail there.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// require refuses the actor unless the table allows p.
func require(a model.Actor, p authz.Permission) error {
	if !authz.Allowed(a, p) {
		if a.Anonymous() {
			return &model.Error{Kind: model.KindUnauthenticated, Message: "请先登录"}
		}
		return model.ErrForbidden
	}
	return nil
}

// event starts an audit entry for the actor.
func event(a model.Actor, action, objectType string, objectID int64) model.AuditEvent {
	name := a.Name
	if a.Anonymous() && name == "" {
		name = "公众"
	}
	return model.AuditEvent{ActorID: a.UserID, ActorName: name, OrgID: a.OrgID, Action: action, ObjectType: objectType, ObjectID: objectID}
}

// detail encodes what changed for an audit entry. Callers pass masked personal data only.
func detail(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}
