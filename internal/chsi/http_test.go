package chsi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhicheng/internal/chsi"
	"zhicheng/internal/model"
)

// gateway is a fake data-sharing gateway: it records the request and answers what the
// test sets.
type gateway struct {
	mu     sync.Mutex
	status int
	body   string
	delay  time.Duration
	got    *http.Request
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.got = r.Clone(context.Background())
	status, body, delay := g.status, g.body, g.delay
	g.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func (g *gateway) set(status int, body string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.status, g.body, g.delay = status, body, 0
}

const okBody = `{"certificate_no":"107301201805000123","name":"王小明","id_number_masked":"6201**********123X",
"school":" 兰州大学 ","major":"汉语言文学","level":"本科","type":"普通高等教育","enrolled":"20140901","graduated":"2018-06-30"}`

func TestHTTP_success(t *testing.T) {
	g := &gateway{status: 200, body: okBody}
	srv := httptest.NewServer(g)
	defer srv.Close()
	h := chsi.NewHTTP(srv.URL+"/api/v1/", "s3cret", srv.Client())
	r, err := h.Lookup(context.Background(), "10730 1 2018 05 000123", "王小明")
	if err != nil {
		t.Fatal(err)
	}
	want := chsi.Record{CertificateNo: "107301201805000123", Name: "王小明", IDNumberMasked: "6201**********123X", School: "兰州大学",
		Major: "汉语言文学", Level: "本科", Type: "普通高等教育", Enrolled: "2014-09-01", Graduated: "2018-06-30", Source: model.CHSIGateway}
	if r != want {
		t.Fatalf("record:\n got %+v\nwant %+v", r, want)
	}
	if g.got.Method != http.MethodGet || g.got.URL.Path != "/api/v1/degrees/107301201805000123" {
		t.Errorf("request: %s %s", g.got.Method, g.got.URL.Path)
	}
	if g.got.URL.Query().Get("name") != "王小明" {
		t.Errorf("name parameter: %q", g.got.URL.RawQuery)
	}
	if g.got.Header.Get("Authorization") != "Bearer s3cret" || g.got.Header.Get("Accept") != "application/json" {
		t.Errorf("headers: %v", g.got.Header)
	}
	// Without a token no Authorization header is sent; a gateway may omit the name and the
	// number, which are then the ones asked for. The source is the client's to say, whatever
	// the answer holds.
	g.set(200, `{"school":"兰州大学","level":"本科","graduated":"2018-06","source":"simulated","Source":"simulated"}`)
	r, err = chsi.NewHTTP(srv.URL, "", nil).Lookup(context.Background(), "107301201805000123", "王小明")
	if err != nil || r.Name != "王小明" || r.CertificateNo != "107301201805000123" || r.Graduated != "2018-06" || r.Source != model.CHSIGateway {
		t.Fatalf("sparse answer: %+v %v", r, err)
	}
	if a := g.got.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization without a token: %q", a)
	}
}

func TestHTTP_errorMapping(t *testing.T) {
	g := &gateway{}
	srv := httptest.NewServer(g)
	defer srv.Close()
	h := chsi.NewHTTP(srv.URL, "t", srv.Client())
	cases := []struct {
		status int
		body   string
		want   error
	}{
		{404, `{"error":"not found"}`, chsi.ErrNotFound},
		{409, `{"error":"name mismatch"}`, chsi.ErrMismatch},
		{422, `{"error":"name mismatch"}`, chsi.ErrMismatch},
		{500, ``, chsi.ErrUnavailable},
		{502, ``, chsi.ErrUnavailable},
		{503, ``, chsi.ErrUnavailable},
		{504, ``, chsi.ErrUnavailable},
		{401, ``, chsi.ErrUnavailable}, // bad token: a configuration problem, not the applicant's
		{403, ``, chsi.ErrUnavailable},
		{429, ``, chsi.ErrUnavailable},
		{200, `<html>maintenance</html>`, chsi.ErrUnavailable},                                // not JSON
		{200, `{"name":"李四","school":"兰州大学"}`, chsi.ErrMismatch},                              // another holder
		{200, `{"certificate_no":"107301201805000999","school":"兰州大学"}`, chsi.ErrUnavailable}, // another certificate
		{200, `{"school":"兰州大学","graduated":"2018/06/30"}`, chsi.ErrUnavailable},              // unreadable date
		{200, `{"name":"王小明"}`, chsi.ErrUnavailable},                                          // no school
	}
	for _, c := range cases {
		g.set(c.status, c.body)
		_, err := h.Lookup(context.Background(), "107301201805000123", "王小明")
		if !errors.Is(err, c.want) {
			t.Errorf("HTTP %d %s: %v, want %v", c.status, c.body, err, c.want)
		}
		// The error never carries the name or the full number (it goes to the log).
		if err != nil && (strings.Contains(err.Error(), "王小明") || strings.Contains(err.Error(), "107301201805000123")) {
			t.Errorf("HTTP %d: error leaks personal data: %v", c.status, err)
		}
	}
}

func TestHTTP_timeoutAndNoServer(t *testing.T) {
	g := &gateway{status: 200, body: okBody, delay: 2 * time.Second}
	srv := httptest.NewServer(g)
	defer srv.Close()
	h := chsi.NewHTTP(srv.URL, "t", srv.Client())
	if h.Timeout != 5*time.Second {
		t.Errorf("default timeout %v", h.Timeout)
	}
	h.Timeout = 50 * time.Millisecond
	start := time.Now()
	_, err := h.Lookup(context.Background(), "107301201805000123", "王小明")
	if !errors.Is(err, chsi.ErrUnavailable) || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("slow gateway: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("timeout not enforced: %v", d)
	}
	// Nothing listening.
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	_, err = chsi.NewHTTP(url, "", nil).Lookup(context.Background(), "107301201805000123", "王小明")
	if !errors.Is(err, chsi.ErrUnavailable) || strings.Contains(err.Error(), "王小明") {
		t.Fatalf("no server: %v", err)
	}
	// Empty number: nothing is asked.
	if _, err := h.Lookup(context.Background(), "  ", "王小明"); !errors.Is(err, chsi.ErrNotFound) {
		t.Fatalf("empty number: %v", err)
	}
}
