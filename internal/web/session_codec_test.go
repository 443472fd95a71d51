package web

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// The session codec keeps every value the web layer stores, refuses one it has no field
// for, and still reads sessions saved with scs's gob codec by an earlier release.
func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 11, 22, 18, 0, 0, 123, time.UTC)
	in := map[string]any{"uid": int64(42), "flash": "已保存", "new_token": "zc_abc"}
	b, err := sessionCodec{}.Encode(deadline, in)
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := sessionCodec{}.Decode(b)
	if err != nil || !gotDeadline.Equal(deadline) || len(got) != 3 || got["uid"] != int64(42) || got["flash"] != "已保存" || got["new_token"] != "zc_abc" {
		t.Fatalf("round trip: %v %v %v", gotDeadline, got, err)
	}
	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"csrf": "x"}); err == nil {
		t.Error("a key without a field was accepted")
	}
	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"uid": "42"}); err == nil {
		t.Error("uid of the wrong type was accepted")
	}
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{"uid": int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	if d, v, err := (sessionCodec{}).Decode(old); err != nil || !d.Equal(deadline) || v["uid"] != int64(7) {
		t.Fatalf("an earlier release's session: %v %v %v", d, v, err)
	}
}
