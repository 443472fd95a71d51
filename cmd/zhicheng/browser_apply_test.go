package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhicheng/internal/demo"
	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// applyJPEG is a small scanned-page stand-in.
func applyJPEG(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 170))
	for y := range 170 {
		for x := range 120 {
			c := color.RGBA{248, 248, 244, 255}
			if y > 20 && y < 40 || y%12 == 0 && x > 10 && x < 110 {
				c = color.RGBA{uint8(40 + seed*30), 90, 160, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// shot saves a full-page screenshot when ZHICHENG_SCREENSHOTS names a directory, for
// looking at the pages on a phone and a desktop.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ZHICHENG_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "-")+"-"+name+".png"), png, 0o644)
}

// TestBrowserApplicantWalk walks applicant1 of the demo from an empty draft through the form
// (typed fields, two uploads with the progress bar and thumbnails, the unit's report
// read-only), the pre-submit check
// with links to every fix, the integrity pledge and submission, on a desktop and on a
// phone-sized viewport (issue #4). The rest of the form is completed through the service, so
// that the walk reaches submission in reasonable time.
func TestBrowserApplicantWalk(t *testing.T) {
	t.Parallel()
	for _, vp := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			m := startMain(t, "")
			ctx := browser(t, vp.width, vp.height)
			scan := filepath.Join(t.TempDir(), "扫描件.jpg")
			if err := os.WriteFile(scan, applyJPEG(t, 1), 0o644); err != nil {
				t.Fatal(err)
			}
			do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				if err := chromedp.Do(ctx, actions...); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			if vp.name == "phone" {
				// Headless windows are at least 500 px wide: emulate the phone's viewport.
				do("phone viewport", chromedp.EmulateViewport(int64(vp.width), int64(vp.height), chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
			}
			loginAs(t, ctx, m, "applicant1")
			bg := context.Background()
			var uid int64
			err := m.DB.View(bg, func(q *store.Q) error {
				c, err := q.CredentialsByLogin(bg, "applicant1", "")
				uid = c.UserID
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			a, err := m.Services.Accounts.Actor(bg, uid)
			if err != nil {
				t.Fatal(err)
			}

			// Start the open plan's application from the applicant's page.
			do("open my applications",
				chromedp.Click(chromedp.CSS(`.mainnav a[href="/applications"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#open-plans .start-btn`)))
			shot(t, ctx, "list")
			if list := text(t, ctx, `#open-plans`); !strings.Contains(list, "申报进行中") {
				t.Fatalf("open plans: %q", list)
			}
			do("start", chromedp.Click(chromedp.CSS(`#open-plans .start-btn`)), chromedp.WaitVisible(chromedp.CSS(`#module-form`)))
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			match := regexp.MustCompile(`/applications/(\d+)/m/0$`).FindStringSubmatch(loc)
			if match == nil {
				t.Fatalf("after start at %s", loc)
			}
			id, _ := strconv.ParseInt(match[1], 10, 64)
			base := fmt.Sprintf("%s/applications/%d", m.URL(), id)
			shot(t, ctx, "m0")

			// Basics: what is applied for, typed earlier on this device but never saved (the
			// connection dropped): the page offers the copy kept in the browser, and saves it.
			do("leave an unsaved copy in the browser",
				chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`localStorage.setItem('zc-draft-%d-0', JSON.stringify({t: Date.now(),
					values: {'basics.level_code': ['deputy_senior'], 'basics.scope': ['province'], 'basics.app_type': ['normal']}}))`, id)),
				chromedp.Reload(),
				chromedp.WaitVisible(chromedp.CSS(`#restore-bar`)))
			do("restore it", chromedp.Click(chromedp.CSS(`#restore-yes`)), chromedp.WaitVisible(chromedp.CSS(`#autosave-status.saved`)))
			if v, _ := m.Services.Applications.Get(bg, a, id); v.App.Form.Basics.LevelCode != "deputy_senior" || v.App.Form.Basics.AppType != model.AppNormal {
				t.Errorf("restored basics not autosaved: %+v", v.App.Form.Basics)
			}
			do("basics", chromedp.Click(chromedp.CSS(`#save-next`)), chromedp.WaitVisible(chromedp.CSS(`#sec-basic`)))

			// Module 1: typed fields, then two uploads. Typing marks the page unsaved; the
			// upload saves it first, then shows the progress and the thumbnail.
			do("fill module 1",
				chromedp.SendKeys(chromedp.CSS(`#f-basic-ethnicity`), "汉族"),
				chromedp.SetValue(chromedp.CSS(`#f-basic-political_status`), string(model.PoliticalPartyMember)),
				chromedp.SetValue(chromedp.CSS(`#f-basic-employment`), "regular"),
				chromedp.SetValue(chromedp.CSS(`#f-basic-career_start`), "2012-07"),
				chromedp.SetValue(chromedp.CSS(`#f-basic-social_insurance`), string(model.SISixMonths)),
				chromedp.Click(chromedp.CSS(`#f-basic-not_civil_servant`)))
			// The unit's recommendation report is not the applicant's: read-only, with the note.
			if n := text(t, ctx, `#slot-basic-recommendation .slot-unit-note`); !strings.Contains(n, "由单位在审核推荐时上传") {
				t.Errorf("recommendation report's note: %q", n)
			}
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#slot-basic-recommendation input, #up-basic-recommendation').length`)); n != 0 {
				t.Errorf("the applicant is offered %d inputs for the unit's recommendation report", n)
			}
			for _, slot := range []string{"basic-photo", "qualification-certificate"} {
				sel := `#slot-` + slot
				do("upload into "+slot,
					chromedp.SetUploadFiles(chromedp.CSS(`#file-slot-`+slot), []string{scan}),
					chromedp.WaitVisible(chromedp.CSS(sel+` .upload-msg.ok`)),
					chromedp.WaitVisible(chromedp.CSS(sel+` .file .thumb img`)))
				done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const p = document.querySelector('`+sel+` .upload-progress'); return !!p && !p.hidden && p.value === 100; })()`))
				if err != nil || !done {
					t.Errorf("%s: progress bar not finished (%v)", slot, err)
				}
				// The thumbnail loads lazily: bring it into view and wait for it.
				loaded, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(done => {
					const img = document.querySelector('`+sel+` .thumb img');
					img.scrollIntoView({block: 'center'});
					const ok = () => img.complete && img.naturalWidth > 0;
					if (ok()) return done(true);
					img.addEventListener('load', () => done(ok()));
					img.addEventListener('error', () => done(false));
					setTimeout(() => done(ok()), 5000);
				})`, chromedp.EvalAwaitPromise))
				if !loaded {
					t.Errorf("%s: thumbnail did not load", slot)
				}
			}
			shot(t, ctx, "m1-uploaded")
			// The edits typed before the upload were saved first (autosave), not lost.
			if s := text(t, ctx, `#autosave-status`); !strings.Contains(s, "已自动保存") {
				t.Errorf("autosave status after the uploads: %q", s)
			}
			if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-basic-ethnicity`))); got != "汉族" {
				t.Errorf("typed ethnicity lost around the uploads: %q", got)
			}
			do("save module 1", chromedp.Click(chromedp.CSS(`#save-next`)), chromedp.WaitVisible(chromedp.CSS(`#sec-honours`)))
			do("module 2", chromedp.Click(chromedp.CSS(`#save-next`)), chromedp.WaitVisible(chromedp.CSS(`#sec-assessments`)))
			// Module 3: one entry per year of the last five, made by the server.
			do("fill the assessment years", chromedp.Click(chromedp.CSS(`#fill-assessments`)), chromedp.WaitVisible(chromedp.CSS(`#sec-assessments fieldset.entry`)))
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#sec-assessments fieldset.entry').length`)); n != 5 {
				t.Errorf("assessment years filled: %d entries, want 5", n)
			}
			shot(t, ctx, "m3")
			do("module 3", chromedp.Click(chromedp.CSS(`#save-next`)), chromedp.WaitVisible(chromedp.CSS(`#sec-papers`)))
			do("module 4", chromedp.Click(chromedp.CSS(`#save-next`)), chromedp.WaitVisible(chromedp.CSS(`#f-summary`)))
			// Another tab saves meanwhile: the autosave stops and says so rather than
			// overwrite, and what was typed stays on the page (R-APP-04).
			v, err := m.Services.Applications.Get(bg, a, id)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Services.Applications.Save(bg, a, id, v.App.Version, v.App.Form); err != nil {
				t.Fatalf("save from another tab: %v", err)
			}
			const summary = "本人长期从事企业员工培训工作，主持建立集团培训体系。"
			do("write the summary", chromedp.SendKeys(chromedp.CSS(`#f-summary`), summary), chromedp.WaitVisible(chromedp.CSS(`#conflict-bar`)))
			if v, _ := m.Services.Applications.Get(bg, a, id); v.App.Form.Summary != "" {
				t.Errorf("the stale autosave overwrote the form: %q", v.App.Form.Summary)
			}
			shot(t, ctx, "m5-conflict")
			do("review the difference", chromedp.Click(chromedp.CSS(`#conflict-save`)), chromedp.WaitVisible(chromedp.CSS(`#conflict`)))
			shot(t, ctx, "m5-conflict-page")
			if got, _ := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#f-summary`))); got != summary {
				t.Errorf("typed summary after the conflict: %q", got)
			}
			do("save after the conflict", chromedp.Click(chromedp.CSS(`#save-next`)), chromedp.WaitVisible(chromedp.CSS(`#check-summary`)))
			if v, _ := m.Services.Applications.Get(bg, a, id); v.App.Form.Summary != summary {
				t.Errorf("summary after saving: %q", v.App.Form.Summary)
			}

			// The check lists what is still missing, grouped, each with a link to its place.
			shot(t, ctx, "check")
			if s := text(t, ctx, `#check-summary`); !strings.Contains(s, "尚有") {
				t.Fatalf("check summary: %q", s)
			}
			links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a.finding-link')).map(a => a.getAttribute('href'))`))
			if err != nil || len(links) < 5 {
				t.Fatalf("finding links: %v (%v)", links, err)
			}
			groups := text(t, ctx, `#check-groups`)
			for _, want := range []string{"能力相关信息", "考核结果", "诚信承诺"} {
				if !strings.Contains(groups, want) {
					t.Errorf("check page does not list %q", want)
				}
			}
			// A link leads to the input where the item is fixed.
			var target string
			for _, l := range links {
				if strings.Contains(l, "#f-assessments-") {
					target = l
					break
				}
			}
			if target == "" {
				t.Fatalf("no link to an assessment entry among %v", links)
			}
			anchor := target[strings.Index(target, "#")+1:]
			do("follow a finding", chromedp.Click(chromedp.CSS(`a.finding-link[href="`+target+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#`+anchor)))
			if focused, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ''`)); focused != anchor {
				t.Errorf("the link to %s put the cursor in %q", anchor, focused)
			}

			// Complete the rest through the service, as the applicant.
			v, err = m.Services.Applications.Get(bg, a, id)
			if err != nil {
				t.Fatal(err)
			}
			version, err := m.Services.Applications.Save(bg, a, id, v.App.Version, demo.ExampleForm(v.Plan.Year))
			if err != nil {
				t.Fatalf("complete the form: %v", err)
			}
			if v, err = m.Services.Applications.Get(bg, a, id); err != nil {
				t.Fatal(err)
			}
			filled := v.Filled()
			for i, s := range v.Slots {
				if filled[s.Key] > 0 || s.ByUnit {
					continue
				}
				if _, version, err = m.Services.Applications.Upload(bg, a, id, version, s.Key, s.Label+".jpg", bytes.NewReader(applyJPEG(t, i))); err != nil {
					t.Fatalf("upload %s: %v", s.Key, err)
				}
			}

			if os.Getenv("ZHICHENG_SCREENSHOTS") != "" {
				for _, mod := range []string{"1", "3", "4"} {
					do("look at module "+mod, chromedp.Navigate(base+"/m/"+mod), chromedp.WaitVisible(chromedp.CSS(`#module-form`)))
					shot(t, ctx, "full-m"+mod)
				}
				do("look at the overview", chromedp.Navigate(base), chromedp.WaitVisible(chromedp.CSS(`#app-status`)))
				shot(t, ctx, "overview")
			}

			// Sign the pledge and submit in the browser.
			do("open the submit page", chromedp.Navigate(base+"/submit"), chromedp.WaitVisible(chromedp.CSS(`#pledge-form`)))
			do("sign",
				chromedp.SendKeys(chromedp.CSS(`#signer`), a.Name),
				chromedp.Click(chromedp.CSS(`#sign`)),
				chromedp.WaitVisible(chromedp.CSS(`#pledge-signed`)))
			if s := text(t, ctx, `#check-summary`); !strings.Contains(s, "检查通过") {
				t.Fatalf("after signing, the check says %q", s)
			}
			shot(t, ctx, "submit")
			do("submit",
				chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
				chromedp.Click(chromedp.CSS(`#submit-btn`)),
				chromedp.WaitVisible(chromedp.CSS(`#app-status`)))
			if s := text(t, ctx, `#app-status`); !strings.Contains(s, "已提交") {
				t.Fatalf("status after submit: %q", s)
			}
			if h := text(t, ctx, `#app-holder`); !strings.Contains(h, a.OrgName) {
				t.Errorf("holder after submit: %q", h)
			}
			shot(t, ctx, "submitted")
			do("the form is read-only", chromedp.Navigate(base+"/m/1"), chromedp.WaitVisible(chromedp.CSS(`#readonly-note`)))
			if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main input, main select, main textarea').length`)); n != 0 {
				t.Errorf("submitted form page has %d inputs", n)
			}
		})
	}
}
