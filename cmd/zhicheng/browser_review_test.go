package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserUnitReview: the demo's unit handler opens the inbox, opens applicant2's
// submitted application, looks at a piece of evidence in the viewer, and starts the unit
// publicity (SPEC §5, R-FLOW-01).
func TestBrowserUnitReview(t *testing.T) {
	t.Parallel()
	m := startMain(t, "")
	ctx := browser(t, 1280, 900)
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	loginAs(t, ctx, m, "energy_handler")
	do("open the inbox", chromedp.Navigate(m.URL()+"/review/unit"), chromedp.WaitVisible(chromedp.CSS(`#review-table`)))
	if row := text(t, ctx, `#review-table tbody`); !strings.Contains(row, "彭宇航") {
		t.Fatalf("inbox: %q", row)
	}
	do("open the application", chromedp.Click(chromedp.CSS(`#review-table a.review-open`)), chromedp.WaitVisible(chromedp.CSS(`#review-summary`)))
	do("open a piece of evidence", chromedp.Click(chromedp.CSS(`a.review-file`)), chromedp.WaitVisible(chromedp.CSS(`#viewer-img`)))
	deadline := time.Now().Add(5 * time.Second)
	for {
		w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(() => { const i = document.querySelector('#viewer-img'); return i.complete ? i.naturalWidth : 0; })()`))
		if err != nil {
			t.Fatalf("read the image: %v", err)
		}
		if w > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the evidence image did not load")
		}
		time.Sleep(100 * time.Millisecond)
	}
	do("start the publicity", chromedp.Click(chromedp.CSS(`#btn-start_publicity`)), chromedp.WaitVisible(chromedp.CSS(`#flash`)))
	if st := text(t, ctx, `#review-status`); !strings.Contains(st, "单位公示中") {
		t.Fatalf("status after starting the publicity: %q", st)
	}
	if p := text(t, ctx, `#review-publicity`); strings.Contains(p, "未开始") {
		t.Fatalf("publicity period: %q", p)
	}
}
