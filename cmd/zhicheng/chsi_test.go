package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// serve with the simulated education registry (the default) and without --demo warns at
// start that its "verifications" are made up; with --demo it says so at info.
func TestSimulatedCHSIWarnedWithoutDemo(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	m := &Main{Out: io.Discard, Log: slog.New(slog.NewTextHandler(logs, nil)),
		Config: Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), CHSI: "simulated", passwordCost: cheap}}
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Close()
	logs.mu.Lock()
	out := logs.b.String()
	logs.mu.Unlock()
	if !hasLine(out, "level=WARN", "simulated registry") {
		t.Fatalf("no warning about the simulated registry:\n%s", out)
	}

	var demoLogs bytes.Buffer
	c := Config{CHSI: "simulated", Demo: true}
	if _, err := c.verifier(slog.New(slog.NewTextHandler(&demoLogs, nil))); err != nil {
		t.Fatal(err)
	}
	if !hasLine(demoLogs.String(), "level=INFO", "simulated registry") || strings.Contains(demoLogs.String(), "level=WARN") {
		t.Fatalf("with --demo:\n%s", demoLogs.String())
	}
}

// hasLine reports whether one line of the log holds all of parts.
func hasLine(log string, parts ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}
