package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserReviewChain drives applicant2's submitted demo application through the whole
// review path in the browser (issue #5): the unit starts the publicity and, once it has
// ended, uploads its recommendation report and publicity report on the review page (the
// upload box of the applicant's pages, with its progress bar) and recommends; the first department of the chain (省国资委) accepts and returns it with
// one item; the applicant sees the reason and resubmits; the first level passes it to the
// second (中评办), which passes it to the office; the office passes the preliminary review.
//
// The publicity lasts 5 working days. The server's clock cannot jump forward past it: the
// session manager stamps sessions with the real clock and the store compares them with its
// own, so every session would be expired. Instead the publicity is started with the clock
// set three weeks back, and the clock is real again for the rest: the period has ended.
func TestBrowserReviewChain(t *testing.T) {
	t.Parallel()
	var shift atomic.Int64 // added to the real clock
	m := &Main{Out: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	m.Config = Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, passwordCost: cheap,
		clock: func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }}
	if err := m.Open(context.Background()); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })

	ctx := browser(t, 1280, 900)
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	logout := func() {
		t.Helper()
		do("log out", chromedp.Navigate(m.URL()+"/home"), chromedp.WaitVisible(chromedp.CSS(`#logout`)),
			chromedp.Click(chromedp.CSS(`#logout`)), chromedp.WaitVisible(chromedp.CSS(`#btn-login`)))
	}
	// act presses the action's button on the review page and waits for the page the
	// redirect leads to (the old document is marked so that its elements do not count).
	act := func(action string) {
		t.Helper()
		do(action,
			chromedp.WaitVisible(chromedp.CSS(`#btn-`+action)),
			chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; document.body.setAttribute('data-stale', '1')`),
			chromedp.Click(chromedp.CSS(`#btn-`+action)),
			chromedp.WaitVisible(chromedp.CSS(`body:not([data-stale]) #review-status`)))
	}
	reviewStatus := func(step, wantStatus, wantLabel string) {
		t.Helper()
		st, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#review-status').dataset.status`))
		if err != nil {
			t.Fatalf("%s: read status: %v", step, err)
		}
		if label := text(t, ctx, `#review-status`); st != wantStatus || !strings.Contains(label, wantLabel) {
			errs, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('.errors, .why, .field-error')).map(e => e.textContent.trim()).join(' | ')`))
			t.Fatalf("%s: status %s %q, want %s %q (%s)", step, st, label, wantStatus, wantLabel, errs)
		}
	}
	// open logs in as a reviewer and opens applicant2's application from the list.
	open := func(user, list string) {
		t.Helper()
		loginAs(t, ctx, m, user)
		do(user+": open the list", chromedp.Navigate(m.URL()+list), chromedp.WaitVisible(chromedp.CSS(`#review-table`)))
		if row := text(t, ctx, `#review-table tbody`); !strings.Contains(row, "彭宇航") {
			t.Fatalf("%s: %s does not list applicant2: %q", user, list, row)
		}
		do(user+": open the application", chromedp.Click(chromedp.CSS(`#review-table a.review-open`)), chromedp.WaitVisible(chromedp.CSS(`#review-summary`)))
	}

	// The unit: start the publicity three weeks ago, then recommend now.
	open("energy_handler", "/review/unit")
	reviewStatus("unit inbox", "submitted", "已提交")
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	appID := loc[strings.LastIndex(loc, "/")+1:]
	shift.Store(int64(-21 * 24 * time.Hour))
	act("start_publicity")
	shift.Store(0)
	reviewStatus("start the publicity", "unit_publicity", "单位公示中")
	if p := text(t, ctx, `#review-publicity`); strings.Contains(p, "未开始") {
		t.Fatalf("publicity period: %q", p)
	}
	do("reload after the publicity", chromedp.Navigate(m.URL()+"/review/applications/"+appID), chromedp.WaitVisible(chromedp.CSS(`#review-summary`)))
	if why := text(t, ctx, `#why-recommend`); !strings.Contains(why, "尚未上传单位出具的推荐报告、公示报告及公示照片") {
		t.Fatalf("recommend before the unit's reports: %q", why)
	}
	// The unit's reports, through the page's upload boxes; each slot comes back with its file
	// and the actions with it, so that the recommend button is enabled after the second.
	report := filepath.Join(t.TempDir(), "单位报告.jpg")
	if err := os.WriteFile(report, applyJPEG(t, 3), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, slot := range []string{"basic-recommendation", "moral-publicity"} {
		do("upload the unit's "+slot,
			chromedp.SetUploadFiles(chromedp.CSS(`#file-slot-`+slot), []string{report}),
			chromedp.WaitVisible(chromedp.CSS(`#unit-reports #slot-`+slot+` a.review-file`)),
			chromedp.WaitVisible(chromedp.CSS(`#slot-`+slot+` .upload-msg.ok`)))
	}
	do("the recommend button enabled", chromedp.WaitVisible(chromedp.CSS(`#btn-recommend:not([disabled])`)))
	shot(t, ctx, "unit-reports")
	act("recommend")
	reviewStatus("recommend", "recommended", "单位已推荐")
	logout()

	// Level 1 (省国资委): accept, then return with one item.
	const reason = "任现职以来的工作总结过于简略，请补充主要业绩和成果"
	open("gzw_handler", "/review/dept")
	reviewStatus("level 1 inbox", "recommended", "待审核部门受理")
	act("dept_accept")
	reviewStatus("accept", "dept_review", "审核部门审核中")
	if h := text(t, ctx, `#review-holder`); !strings.Contains(h, "国有资产监督管理委员会") {
		t.Fatalf("holder after accepting: %q", h)
	}
	do("fill in the return item",
		chromedp.WaitVisible(chromedp.CSS(`#where-dept_return-1`)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#where-dept_return-1').value = 'm:3'`),
		chromedp.SendKeys(chromedp.CSS(`#text-dept_return-1`), reason))
	if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#where-dept_return-1').value`)); v != "m:3" {
		t.Fatalf("the return form offers no module 3 (value %q)", v)
	}
	act("dept_return")
	reviewStatus("return", "returned", "退回修改")
	if r := text(t, ctx, `#returns`); !strings.Contains(r, reason) {
		t.Fatalf("return record: %q", r)
	}
	logout()

	// The applicant sees the reason and resubmits.
	base := m.URL() + "/applications/" + appID
	loginAs(t, ctx, m, "applicant2")
	do("open the overview", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS(`#app-status`)))
	if s := text(t, ctx, `#app-status`); !strings.Contains(s, "退回修改") {
		t.Fatalf("applicant's status after the return: %q", s)
	}
	if r := text(t, ctx, `#returned`); !strings.Contains(r, reason) {
		t.Fatalf("the overview does not show the return reason: %q", r)
	}
	do("open the submit page", chromedp.Navigate(base+"/submit"), chromedp.WaitVisible(chromedp.CSS(`#submit-btn`)))
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#pledge-form').length`)); n > 0 {
		do("sign again",
			chromedp.SendKeys(chromedp.CSS(`#signer`), "彭宇航"),
			chromedp.Click(chromedp.CSS(`#sign`)),
			chromedp.WaitVisible(chromedp.CSS(`#pledge-signed`)))
	}
	if b := text(t, ctx, `#submit-btn`); !strings.Contains(b, "重新提交") {
		t.Fatalf("submit button on a returned application: %q", b)
	}
	do("resubmit",
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS(`#submit-btn`)),
		chromedp.WaitVisible(chromedp.CSS(`#app-status`)))
	if s := text(t, ctx, `#app-status`); !strings.Contains(s, "审核部门审核中") {
		t.Fatalf("applicant's status after resubmitting: %q", s)
	}
	logout()

	// Level 1 again, straight in review (no second acceptance): pass to level 2.
	open("gzw_handler", "/review/dept")
	reviewStatus("level 1 after the resubmission", "dept_review", "审核部门审核中")
	if r := text(t, ctx, `#dept-returns`); !strings.Contains(r, "已退回 1 次") {
		t.Fatalf("department returns: %q", r)
	}
	act("dept_pass")
	reviewStatus("level 1 pass", "dept_review", "审核部门审核中")
	if h := text(t, ctx, `#review-holder`); !strings.Contains(h, "中级评审办公室") {
		t.Fatalf("holder after level 1 passed: %q", h)
	}
	logout()

	// Level 2 (中评办) receives it in review: the table offers pass, not accept.
	open("zpb_handler", "/review/dept")
	reviewStatus("level 2 inbox", "dept_review", "审核部门审核中")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#act-dept_accept').length`)); n != 0 {
		t.Fatal("level 2 is offered 受理")
	}
	act("dept_pass")
	reviewStatus("level 2 pass", "prelim_review", "职改办资格初审中")
	logout()

	// The office.
	open("office_handler", "/review/office")
	reviewStatus("office inbox", "prelim_review", "职改办资格初审中")
	act("prelim_pass")
	reviewStatus("preliminary pass", "prelim_passed", "资格初审通过")
	logout()

	loginAs(t, ctx, m, "applicant2")
	do("open the overview at the end", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS(`#app-status`)))
	if s := text(t, ctx, `#app-status`); !strings.Contains(s, "资格初审通过") {
		t.Fatalf("applicant's status at the end: %q", s)
	}
}
