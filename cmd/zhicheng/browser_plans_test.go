package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhicheng/internal/demo"
	"zhicheng/internal/rules"
)

// loginAs signs in through the login page and waits for the home page.
func loginAs(t *testing.T, ctx context.Context, m *Main, username string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(m.URL()+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#login-form`)),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=login]`), username),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`#login-form`)),
		chromedp.WaitVisible(chromedp.CSS(`#current-user`)),
	)
	if err != nil {
		t.Fatalf("log in as %s: %v", username, err)
	}
}

// text reads the text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// editLinkOf finds the edit link of the plan whose row on /office/plans contains name.
func editLinkOf(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const row = Array.from(document.querySelectorAll('#plan-table tbody tr')).find(tr => tr.textContent.includes(`+"`"+name+"`"+`));
		return row ? row.querySelector('a.plan-edit').getAttribute('href') : '';
	})()`))
	if err != nil || href == "" {
		t.Fatalf("no plan %q on the office's list (%v)", name, err)
	}
	return href
}

// TestBrowserOfficeEditsPlanAndCalendar: the office handler edits the demo's open plan
// (name and application deadline), sees the closed windows of the 2024 notice shown
// read-only (R-CAL-02), edits the 2026 holiday table and runs the calculator (R-CAL-04).
func TestBrowserOfficeEditsPlanAndCalendar(t *testing.T) {
	t.Parallel()
	m := startMain(t, "")
	ctx := browser(t, 1280, 900)
	loginAs(t, ctx, m, "office_handler")

	// The open plan: rename it and extend its application window by a day.
	if err := chromedp.Do(ctx, chromedp.Navigate(m.URL()+"/office/plans"), chromedp.WaitVisible(chromedp.CSS(`#plan-table`))); err != nil {
		t.Fatal(err)
	}
	edit := editLinkOf(t, ctx, "申报进行中")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href="`+edit+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#plan-form`))); err != nil {
		t.Fatal(err)
	}
	last, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#w-apply-last`)))
	if err != nil {
		t.Fatal(err)
	}
	d, err := rules.ParseDate(last)
	if err != nil {
		t.Fatalf("application end date shown as %q: %v", last, err)
	}
	newLast := d.AddDays(1).String()
	const newName = "人力资源培训专业高级职称申报评审（演示，已延期）"
	err = chromedp.Do(ctx,
		chromedp.Clear(chromedp.CSS(`#name`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), newName),
		chromedp.SetValue(chromedp.CSS(`#w-apply-last`), newLast),
		chromedp.Click(chromedp.CSS(`#plan-save`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)),
	)
	if err != nil {
		t.Fatalf("save the plan: %v", err)
	}
	if flash := text(t, ctx, `#flash`); !strings.Contains(flash, "已保存") {
		t.Fatalf("flash after saving: %q", flash)
	}
	err = chromedp.Do(ctx, chromedp.Navigate(m.URL()+"/plans"), chromedp.WaitVisible(chromedp.CSS(`#plan-list`)))
	if err != nil {
		t.Fatal(err)
	}
	if list := text(t, ctx, `#plan-list`); !strings.Contains(list, newName) || !strings.Contains(list, newLast+" 24:00") {
		t.Fatalf("public list after the edit: %q (want %q and %s 24:00)", list, newName, newLast)
	}

	// The 2024 notice's plan is over: its windows are read-only; its name may still change.
	if err := chromedp.Do(ctx, chromedp.Navigate(m.URL()+"/office/plans"), chromedp.WaitVisible(chromedp.CSS(`#plan-table`))); err != nil {
		t.Fatal(err)
	}
	edit = editLinkOf(t, ctx, "2024年度全省人力资源培训")
	err = chromedp.Do(ctx,
		chromedp.Navigate(m.URL()+edit),
		chromedp.WaitVisible(chromedp.CSS(`#plan-form`)),
		chromedp.SetValue(chromedp.CSS(`#name`), "2024年度全省人力资源培训专业高级职称申报评审（已结束）"),
		chromedp.Click(chromedp.CSS(`#plan-save`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)),
		chromedp.Navigate(m.URL()+edit),
		chromedp.WaitVisible(chromedp.CSS(`#plan-form`)),
	)
	if err != nil {
		t.Fatalf("edit the 2024 plan: %v", err)
	}
	disabled, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(`[data-window="apply"] input[type=date][disabled]`)))
	if err != nil || len(disabled) != 2 {
		t.Fatalf("closed application window not read-only: %d inputs disabled (%v)", len(disabled), err)
	}
	if note := text(t, ctx, `[data-window="apply"] .closed-note`); !strings.Contains(note, "已截止") || !strings.Contains(note, "R-CAL-02") {
		t.Fatalf("closed note: %q", note)
	}
	if name, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#name`))); !strings.Contains(name, "已结束") {
		t.Fatalf("name not saved: %q", name)
	}

	// The holiday table of 2026: add a day off on New Year's Eve.
	err = chromedp.Do(ctx, chromedp.Navigate(m.URL()+"/office/calendar/2026"), chromedp.WaitVisible(chromedp.CSS(`#calendar-form`)))
	if err != nil {
		t.Fatal(err)
	}
	table, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#days`)))
	if err != nil || !strings.Contains(table, "国庆节") {
		t.Fatalf("2026 table not prefilled: %q (%v)", table, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#days`), strings.TrimRight(table, "\n")+"\n2026-12-31 休 演示假日\n"),
		chromedp.Click(chromedp.CSS(`#calendar-save`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)),
	)
	if err != nil {
		t.Fatalf("save the 2026 table: %v", err)
	}
	if row := text(t, ctx, `#day-2026-12-31`); !strings.Contains(row, "演示假日") || !strings.Contains(row, "节假日") {
		t.Fatalf("new day not listed: %q", row)
	}

	// The calculator: three working days from Monday 12-28 end at 12-30 24:00; a fourth would
	// fall in 2027 now that 12-31 is off, and 2027 has no data yet.
	calc := func(start, n string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(m.URL()+"/office/calendar"),
			chromedp.WaitVisible(chromedp.CSS(`#calc-form`)),
			chromedp.SetValue(chromedp.CSS(`#calc-start`), start),
			chromedp.SetValue(chromedp.CSS(`#calc-n`), n),
			chromedp.Click(chromedp.CSS(`#calc-submit`)),
			chromedp.WaitVisible(chromedp.CSS(`#calculator .calc-result, #calculator .calc-error`)),
		)
		if err != nil {
			t.Fatalf("calculator %s + %s: %v", start, n, err)
		}
	}
	calc("2026-12-28", "3")
	if got := text(t, ctx, `#calc-result`); !strings.Contains(got, "2026-12-31 00:00") || !strings.Contains(got, "12-30 24:00") {
		t.Fatalf("calculator result: %q", got)
	}
	calc("2026-12-28", "4")
	if got := text(t, ctx, `#calculator .calc-error`); !strings.Contains(got, "2027") {
		t.Fatalf("calculator into an uncovered year: %q", got)
	}
}
