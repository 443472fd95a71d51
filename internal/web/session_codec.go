package web

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores a session as a small JSON object of the few values the web layer
// keeps in it. scs's default gob codec builds a new decoder, and so compiles the session's
// type again, on every request (about 5 % of an authenticated page's CPU, BENCHMARKS.md §1).
// A key without a field here is refused when the session is saved, so a new session value
// cannot be dropped silently: add its field.
type sessionCodec struct{}

type sessionData struct {
	Deadline int64  `json:"deadline"` // unix nanoseconds
	UID      int64  `json:"uid,omitempty"`
	Flash    string `json:"flash,omitempty"`
	NewToken string `json:"new_token,omitempty"`
}

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	d := sessionData{Deadline: deadline.UnixNano()}
	for k, v := range values {
		ok := false
		switch k {
		case "uid":
			d.UID, ok = v.(int64)
		case "flash":
			d.Flash, ok = v.(string)
		case "new_token":
			d.NewToken, ok = v.(string)
		}
		if !ok {
			return nil, fmt.Errorf("session value %q (%T) has no field in sessionCodec", k, v)
		}
	}
	return json.Marshal(d)
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != '{' {
		// Saved by an earlier release with scs's gob codec: still valid until it expires.
		return scs.GobCodec{}.Decode(b)
	}
	var d sessionData
	if err := json.Unmarshal(b, &d); err != nil {
		return time.Time{}, nil, fmt.Errorf("decode session: %w", err)
	}
	values := map[string]any{}
	if d.UID != 0 {
		values["uid"] = d.UID
	}
	if d.Flash != "" {
		values["flash"] = d.Flash
	}
	if d.NewToken != "" {
		values["new_token"] = d.NewToken
	}
	return time.Unix(0, d.Deadline), values, nil
}
