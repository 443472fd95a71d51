package main

// Upload mode (-upload-slot): concurrent evidence uploads against the disk's own write speed,
// measured in the same run.
//
// An applicant has one draft per plan, and uploads to one draft take turns on its version
// (R-APP-04: a second upload based on the same version is a conflict). So every worker
// uploads into a draft of its own, always with the version the previous upload returned. A
// real draft holds a few dozen files, and each upload reads the draft's list of files, so
// a worker moves on to a fresh draft after -upload-draft-files files: the tool registers
// enough applicants up front through the public /register form (in the organisation of
// -login, with generated ID numbers that carry a valid GB 11643 check character), signs each
// in (its own cookie jar and connection, like a browser) and starts its draft on the plan
// whose application window is open. Passwords are hashed with argon2id (64 MiB each) on
// registration and sign-in, so before measuring, one worker uploads, unrecorded, until the
// server has collected garbage twice and its RSS stops falling.
//
// Every upload is a valid JPEG padded to exactly -upload-size bytes with comment segments,
// different in every upload (so every upload is stored: the store keeps one copy per
// content), sent as the API asks: multipart with version and slot first, then the file part,
// in one POST /api/v1/applications/{id}/files.
//
// For each round and each concurrency level c (in increasing order), c workers each make one
// unrecorded upload, then together make -upload-n uploads (a shared count, so they finish
// within one upload of each other), bounded by -d; then, as the baseline, c goroutines of
// the tool write the same number of files of the same size into -disk-dir exactly the way
// the server's blob store makes a file durable (temporary file, write, fsync, close, rename
// into ab/cd/, fsync the directories), and the ratio upload MiB/s ÷ disk MiB/s is reported.
// -disk-dir must be on the filesystem of the server's data directory. The server's RSS and
// heap in use are sampled from /metrics every 250 ms during each upload phase.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type uploadConfig struct {
	slot     string // "auto": the first multi-file slot of each draft that the applicant fills
	size     int
	levels   []int
	diskDir  string
	plan     int64
	n        int // uploads measured per level and round
	perDraft int // files per draft before moving on
	pixels   string
	width    int
	height   int
}

func (u *uploadConfig) parse(levels string) error {
	for _, f := range strings.Split(levels, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 256 {
			return fmt.Errorf("-upload-c: %q is not a concurrency between 1 and 256", f)
		}
		u.levels = append(u.levels, n)
	}
	if w, h, ok := strings.Cut(u.pixels, "x"); ok {
		u.width, _ = strconv.Atoi(w)
		u.height, _ = strconv.Atoi(h)
	}
	if u.width < 16 || u.height < 16 || u.width > 65535 || u.height > 65535 {
		return fmt.Errorf("-upload-pixels %q: want WIDTHxHEIGHT, each 16–65535", u.pixels)
	}
	slices.Sort(u.levels)
	u.levels = slices.Compact(u.levels)
	switch {
	case len(u.levels) == 0:
		return errors.New("-upload-c: no concurrency level")
	case u.size < 1024 || u.size > 64<<20:
		return errors.New("-upload-size: between 1 KiB and 64 MiB")
	case u.n < 1 || u.perDraft < 1:
		return errors.New("-upload-n and -upload-draft-files must be at least 1")
	case u.diskDir == "":
		return errors.New("-disk-dir is required in upload mode: a directory on the filesystem of the server's data directory, for the disk baseline")
	}
	if info, err := os.Stat(u.diskDir); err != nil || !info.IsDir() {
		return fmt.Errorf("-disk-dir %s: not a directory", u.diskDir)
	}
	return nil
}

// maxLevel is the highest concurrency.
func (u *uploadConfig) maxLevel() int { return u.levels[len(u.levels)-1] }

// drafts is how many drafts (applicants) the run needs: every upload of every round and
// level (one warm-up per worker), -upload-draft-files per draft, plus one partly filled
// draft per worker.
func (u *uploadConfig) drafts(rounds int) int {
	total := 0
	for _, c := range u.levels {
		total += rounds * (u.n + c)
	}
	return (total+u.perDraft-1)/u.perDraft + u.maxLevel()
}

// planned bounds the run: registration and sign-in (two argon2id hashes per applicant: about
// a second on a busy 2-CPU machine, so 4 s is ample), settling, and per round and level a warm-up, the
// measured uploads (at most -d) and the disk baseline (at most 2 × -d).
func (u *uploadConfig) planned(cfg config) time.Duration {
	return time.Duration(u.drafts(cfg.rounds)+1)*4*time.Second + maxSettle +
		time.Duration(cfg.rounds*len(u.levels))*(4*cfg.d+30*time.Second)
}

// draft is an applicant's draft with the applicant's session.
type draft struct {
	client  *http.Client
	appID   int64
	version int64
	slot    string
	files   int // files uploaded into it
}

// uploader is one worker: it uploads into its current draft, and takes a fresh one from the
// pool once the draft holds -upload-draft-files files.
type uploader struct {
	n        int
	d        *draft
	pool     chan *draft
	perDraft int
	file     []byte // the padded JPEG; a few bytes of it change per upload
	mark     int    // where the per-upload bytes go
	seq      uint64
}

// uploadPhase is one concurrency level measured in one round.
type uploadPhase struct {
	c          int
	latencies  []time.Duration
	errors     int
	conflicts  int
	elapsed    time.Duration
	rssPeak    float64
	heapPeak   float64
	cpu        float64
	clientCPU  float64
	draftFiles int // the most files a draft held after an upload of this phase
	disk       *diskPhase
}

func (p *uploadPhase) mibps(size int) float64 {
	return float64(len(p.latencies)) * float64(size) / (1 << 20) / p.elapsed.Seconds()
}

// diskPhase is the baseline: the same number of files written durably by the tool.
type diskPhase struct {
	files     int
	elapsed   time.Duration
	latencies []time.Duration
}

func (d *diskPhase) mibps(size int) float64 {
	return float64(d.files) * float64(size) / (1 << 20) / d.elapsed.Seconds()
}

func runUploads(ctx context.Context, cfg config, up uploadConfig, planned time.Duration) error {
	mon := &monitor{url: cfg.base.String() + "/metrics", client: newClient(nil)}
	rssStart := mon.read().rss
	base := cfg.base.String()

	// The organisation to register in, and the plan, as the -login applicant sees them.
	lead, err := signInAs(ctx, base, cfg.login, cfg.pass)
	if err != nil {
		return err
	}
	var me struct {
		Org struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"org"`
	}
	if err := getJSON(ctx, lead, base+"/api/v1/me", &me); err != nil {
		return err
	}
	planID := up.plan
	if planID == 0 {
		if planID, err = openPlan(ctx, lead, base); err != nil {
			return err
		}
	}
	n := up.drafts(cfg.rounds) + 1 // and one to settle with
	fmt.Fprintf(os.Stderr, "zhicheng-load: registering %d applicants in %s (org %d), each starting a draft on plan %d; at most %s\n",
		n, me.Org.Name, me.Org.ID, planID, planned.Round(time.Second))
	run := strconv.FormatInt(time.Now().Unix()%1e7, 36)
	t0 := time.Now()
	drafts := make([]*draft, n)
	for i := range drafts {
		if drafts[i], err = newDraft(ctx, base, me.Org.ID, planID, up.slot, fmt.Sprintf("load%s%03d", run, i)); err != nil {
			return fmt.Errorf("applicant %d: %w", i+1, err)
		}
		if (i+1)%20 == 0 {
			fmt.Fprintf(os.Stderr, "zhicheng-load: %d of %d applicants ready\n", i+1, n)
		}
	}
	rssSignedIn := mon.read().rss
	fmt.Fprintf(os.Stderr, "zhicheng-load: %d applicants ready in %s (slot %s); server RSS %s MiB\n",
		n, time.Since(t0).Round(100*time.Millisecond), drafts[0].slot, mib(rssSignedIn))
	template, jpegDesc, err := uploadJPEG(up.width, up.height, up.size)
	if err != nil {
		return err
	}
	newWorker := func(i int, d *draft, pool chan *draft) *uploader {
		return &uploader{n: i, d: d, pool: pool, perDraft: up.perDraft, file: slices.Clone(template), mark: 6}
	}

	// Settle: one worker uploads into a draft of its own, unrecorded, until the server has
	// collected garbage twice and its RSS stops falling, so that the first phase's peak is not
	// the sign-ins' argon2id memory (64 MiB per hash).
	took, rssSettled := settleUploads(ctx, base, newWorker(-1, drafts[0], nil), mon)
	fmt.Fprintf(os.Stderr, "zhicheng-load: server RSS %s MiB after settling for %s\n", mib(rssSettled), took.Round(100*time.Millisecond))

	pool := make(chan *draft, n)
	for _, d := range drafts[1:] {
		pool <- d
	}
	workers := make([]*uploader, up.maxLevel())
	for i := range workers {
		workers[i] = newWorker(i, nil, pool)
	}
	results := map[int][]*uploadPhase{}
	for round := range cfg.rounds {
		for _, c := range up.levels {
			p, err := runUploadPhase(ctx, cfg, base, workers[:c], up.n, mon)
			if err != nil {
				return fmt.Errorf("round %d, %d workers: %w", round+1, c, err)
			}
			if p.disk, err = diskBaseline(ctx, up, c, max(len(p.latencies), c), 2*cfg.d); err != nil {
				return fmt.Errorf("round %d, disk baseline with %d writers: %w", round+1, c, err)
			}
			results[c] = append(results[c], p)
			slices.Sort(p.latencies)
			slices.Sort(p.disk.latencies)
			fmt.Fprintf(os.Stderr, "zhicheng-load: round %d c=%-3d %5d uploads %7.1f MiB/s  p50 %-10s p99 %-10s errors %d  server CPU %s ms/upload | disk %5d files %7.1f MiB/s | ratio %.2f | RSS peak %s MiB, heap in use peak %s MiB | drafts of up to %d files, %d fresh drafts left\n",
				round+1, c, len(p.latencies), p.mibps(up.size), ms(pct(p.latencies, .5)), ms(pct(p.latencies, .99)), p.errors+p.conflicts, perMs(p.cpu, len(p.latencies)),
				p.disk.files, p.disk.mibps(up.size), p.mibps(up.size)/p.disk.mibps(up.size), mib(p.rssPeak), mib(p.heapPeak), p.draftFiles, len(pool))
		}
	}
	rssEnd := mon.read().rss
	reportUploads(os.Stdout, cfg, up, me.Org.Name, drafts[0].slot, jpegDesc, n, results, [4]float64{rssStart, rssSignedIn, rssSettled, rssEnd}, took)
	return nil
}

// signInAs signs in through the login form, like a browser.
func signInAs(ctx context.Context, base, login, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	client := newClient(jar)
	client.Timeout = 2 * time.Minute
	if err := postForm(ctx, client, base+"/login", url.Values{"login": {login}, "password": {password}}, "/home"); err != nil {
		return nil, fmt.Errorf("sign in as %s: %w", login, err)
	}
	return client, nil
}

// postForm posts a form and wants 303 to wantLocation.
func postForm(ctx context.Context, client *http.Client, target string, form url.Values, wantLocation string) error {
	req, err := http.NewRequestWithContext(ctx, "POST", target, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLocation {
		return fmt.Errorf("got %s (Location %q), want 303 to %s%s", resp.Status, resp.Header.Get("Location"), wantLocation, formErrors(body))
	}
	return nil
}

// formErrors picks the refusal messages out of a page that came back with the form.
func formErrors(page []byte) string {
	var msgs []string
	for _, part := range bytes.Split(page, []byte("<li"))[1:] {
		if i := bytes.IndexByte(part, '>'); i >= 0 {
			text := part[i+1:]
			if j := bytes.IndexByte(text, '<'); j >= 0 {
				text = text[:j]
			}
			if t := strings.TrimSpace(string(text)); t != "" && len(msgs) < 5 {
				msgs = append(msgs, t)
			}
		}
	}
	if len(msgs) == 0 {
		return ""
	}
	return ": " + strings.Join(msgs, "; ")
}

func getJSON(ctx context.Context, client *http.Client, target string, out any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", target, nil)
	if err != nil {
		return err
	}
	return doJSON(client, req, http.StatusOK, out)
}

func doJSON(client *http.Client, req *http.Request, want int, out any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		if loc := resp.Header.Get("Location"); strings.HasPrefix(loc, "/login") {
			return fmt.Errorf("%w: %s %s answered %s to %s", errSessionLost, req.Method, req.URL.Path, resp.Status, loc)
		}
		return fmt.Errorf("%s %s: %s: %.300s", req.Method, req.URL.Path, resp.Status, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
		}
	}
	return nil
}

// openPlan is the plan whose application window is open now.
func openPlan(ctx context.Context, client *http.Client, base string) (int64, error) {
	var res struct {
		Plans []struct {
			ID      int64 `json:"id"`
			Windows []struct {
				Kind  string `json:"kind"`
				State string `json:"state"`
			} `json:"windows"`
		} `json:"plans"`
	}
	if err := getJSON(ctx, client, base+"/api/v1/plans", &res); err != nil {
		return 0, err
	}
	for _, p := range res.Plans {
		for _, w := range p.Windows {
			if w.Kind == "apply" && w.State == "open" {
				return p.ID, nil
			}
		}
	}
	return 0, errors.New("no plan has an open application window (start the server with --demo, or pass -upload-plan)")
}

// newDraft registers an applicant, signs it in, starts its draft and picks the slot.
func newDraft(ctx context.Context, base string, orgID, planID int64, slot, username string) (*draft, error) {
	const password = "Load#2026zc"
	anon := newClient(nil)
	anon.Timeout = 2 * time.Minute
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		form := url.Values{
			"org_id": {strconv.FormatInt(orgID, 10)}, "username": {username}, "name": {"压测申报人"},
			"id_number": {randomIDNumber()}, "phone": {fmt.Sprintf("139%08d", randInt(1e8))},
			"password": {password}, "password2": {password},
		}
		if err = postForm(ctx, anon, base+"/register", form, "/login"); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", username, err)
	}
	client, err := signInAs(ctx, base, username, password)
	if err != nil {
		return nil, err
	}
	client.Timeout = time.Minute
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/applications", strings.NewReader(fmt.Sprintf(`{"plan_id":%d}`, planID)))
	req.Header.Set("Content-Type", "application/json")
	var created struct {
		ID int64 `json:"id"`
	}
	if err := doJSON(client, req, http.StatusCreated, &created); err != nil {
		return nil, fmt.Errorf("start a draft: %w", err)
	}
	var app struct {
		Version int64 `json:"version"`
		Slots   []struct {
			Key    string `json:"key"`
			Multi  bool   `json:"multi"`
			ByUnit bool   `json:"by_unit"` // the unit's report: the applicant cannot upload it
		} `json:"slots"`
	}
	if err := getJSON(ctx, client, fmt.Sprintf("%s/api/v1/applications/%d", base, created.ID), &app); err != nil {
		return nil, err
	}
	d := &draft{client: client, appID: created.ID, version: app.Version}
	for _, s := range app.Slots {
		if (slot == "auto" && s.Multi && !s.ByUnit) || s.Key == slot {
			d.slot = s.Key
			break
		}
	}
	if d.slot == "" {
		return nil, fmt.Errorf("draft %d has no slot %q", created.ID, slot)
	}
	return d, nil
}

// randomIDNumber is a resident ID number that passes GB 11643: region 620102 (兰州市城关区),
// a birth date in 1970–1995, a random sequence and the right check character.
func randomIDNumber() string {
	birth := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, randInt(26*365))
	first17 := "620102" + birth.Format("20060102") + fmt.Sprintf("%03d", randInt(1000))
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * weights[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

func randInt(n int64) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(n))
	return int(v.Int64())
}

// uploadJPEG is a valid JPEG of exactly size bytes: a picture of w × h pixels, then comment
// (COM) segments of random bytes, which decoders skip (random like the entropy-coded data of
// a real scan, which matters to the multipart parser's search for the boundary). The first
// segment's payload starts at byte 6, where each upload writes its own 16 bytes. The picture
// is a scanned page: light paper with a little noise and dark lines of "text", at the
// highest quality that fits; a page too large to fit even at low quality is left blank (a
// blank page of many pixels is the cheapest file that makes the server decode the most).
func uploadJPEG(w, h, size int) ([]byte, string, error) {
	var small []byte
	var desc string
	for _, try := range []struct {
		noise, quality int
		text           bool
	}{{4, 85, true}, {2, 70, true}, {0, 50, true}, {0, 50, false}} {
		var enc bytes.Buffer
		if err := jpeg.Encode(&enc, scannedPage(w, h, try.noise, try.text), &jpeg.Options{Quality: try.quality}); err != nil {
			return nil, "", err
		}
		if enc.Len() <= size-(4+16) {
			small = enc.Bytes()
			kind := "a page of text"
			if !try.text {
				kind = "a blank page"
			}
			desc = fmt.Sprintf("%d × %d pixels (%s, 4:2:0, quality %d, noise ±%d), %d KiB as encoded, padded with comment segments", w, h, kind, try.quality, try.noise, enc.Len()>>10)
			break
		}
	}
	if small == nil {
		return nil, "", fmt.Errorf("a %d × %d JPEG does not fit in %d bytes", w, h, size)
	}
	pad := size - len(small)
	var b bytes.Buffer
	b.Grow(size)
	b.Write(small[:2]) // SOI
	chunk := make([]byte, 65533)
	for pad > 0 {
		n := min(pad, 4+65533)
		if rest := pad - n; rest > 0 && rest < 4 {
			n -= 4
		}
		b.Write([]byte{0xFF, 0xFE, byte((n - 2) >> 8), byte(n - 2)})
		rand.Read(chunk[:n-4])
		b.Write(chunk[:n-4])
		pad -= n
	}
	b.Write(small[2:])
	return b.Bytes(), desc, nil
}

// scannedPage draws a page: paper at luma 244 ± noise, and with text, every other 20-pixel
// band inside the margins carries dark runs like words.
func scannedPage(w, h, noise int, text bool) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	var seed [32]byte
	r := mrand.New(mrand.NewChaCha8(seed))
	for y := range h {
		row := img.Y[y*img.YStride : y*img.YStride+w]
		for x := range row {
			row[x] = uint8(244 + r.IntN(2*noise+1) - noise)
		}
		if text && (y/20)%2 == 1 && y%20 > 4 && y > h/10 && y < h*9/10 {
			for x := w / 12; x < w*11/12; {
				n := 8 + r.IntN(40)
				for i := x; i < min(x+n, w); i++ {
					row[i] = uint8(30 + r.IntN(30))
				}
				x += n + 6 + r.IntN(20)
			}
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	return img
}

// closeSignal is a request body that says when the transport is done with it, so that its
// bytes can be changed for the next upload.
type closeSignal struct {
	io.Reader
	once sync.Once
	done chan struct{}
}

func (c *closeSignal) Close() error {
	c.once.Do(func() { close(c.done) })
	return nil
}

// upload sends the next file and reports whether it was acknowledged (201), and whether it
// met a conflict (409: another upload took the version).
func (w *uploader) upload(ctx context.Context, base string) (ok, conflict bool, err error) {
	if w.d == nil || w.d.files >= w.perDraft {
		select {
		case d := <-w.pool:
			w.d = d
		default: // none left: go on filling this one (the report shows how full drafts got)
			if w.d == nil {
				return false, false, errors.New("no draft left to upload into")
			}
		}
	}
	d := w.d
	w.seq++
	binary.BigEndian.PutUint64(w.file[w.mark:], uint64(w.n))
	binary.BigEndian.PutUint64(w.file[w.mark+8:], w.seq^uint64(time.Now().UnixNano())<<16)
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	mw.WriteField("version", strconv.FormatInt(d.version, 10))
	mw.WriteField("slot", d.slot)
	mw.CreateFormFile("file", fmt.Sprintf("scan-%d.jpg", w.seq))
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := &closeSignal{Reader: io.MultiReader(&head, bytes.NewReader(w.file), strings.NewReader(tail)), done: make(chan struct{})}
	req, err := http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/api/v1/applications/%d/files", base, d.appID), body)
	if err != nil {
		return false, false, err
	}
	req.ContentLength = int64(head.Len() + len(w.file) + len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := d.client.Do(req)
	defer func() {
		select { // the transport closes the body when it is done with it, even on errors
		case <-body.done:
		case <-time.After(time.Minute):
			err = errors.Join(err, errors.New("the transport kept the request body"))
		}
	}()
	if err != nil {
		return false, false, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return false, false, err
	}
	switch {
	case resp.StatusCode == http.StatusCreated:
		var res struct {
			Version int64 `json:"version"`
		}
		if err := json.Unmarshal(data, &res); err != nil || res.Version <= d.version {
			return false, false, fmt.Errorf("201 without a new version: %.200s", data)
		}
		d.version = res.Version
		d.files++
		return true, false, nil
	case resp.StatusCode == http.StatusConflict:
		// Only this worker writes to its draft, so this should not happen; read the version
		// again so the next upload can proceed.
		var app struct {
			Version int64 `json:"version"`
		}
		if err := getJSON(ctx, d.client, fmt.Sprintf("%s/api/v1/applications/%d", base, d.appID), &app); err == nil {
			d.version = app.Version
		}
		return false, true, nil
	case resp.StatusCode == http.StatusUnauthorized || strings.HasPrefix(resp.Header.Get("Location"), "/login"):
		return false, false, fmt.Errorf("%w: upload answered %s", errSessionLost, resp.Status)
	}
	uploadErrors.Do(func() { fmt.Fprintf(os.Stderr, "zhicheng-load: upload answered %s: %.300s\n", resp.Status, data) })
	return false, false, nil
}

var uploadErrors sync.Once

// settleUploads is settle for upload mode: one worker, unrecorded, at most maxSettle.
func settleUploads(ctx context.Context, base string, w *uploader, mon *monitor) (time.Duration, float64) {
	// The upload in flight when settling ends is let finish: a cancelled upload is an error
	// in the server's log.
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		for !stop.Load() && ctx.Err() == nil {
			w.upload(ctx, base)
		}
	}()
	defer func() { stop.Store(true); <-done }()
	bounded, cancel := context.WithTimeout(ctx, maxSettle)
	defer cancel()
	start := time.Now()
	first := mon.read()
	last := first
	for sleepUntil(bounded, time.Now().Add(500*time.Millisecond)) {
		prev := last
		if last = mon.read(); last.rss == 0 || (last.gcs >= first.gcs+2 && prev.rss-last.rss < 1<<20) {
			break
		}
	}
	return time.Since(start), last.rss
}

// runUploadPhase has every worker make one unrecorded upload, then all of them make n
// uploads together (each takes the next from a shared count, so they finish within one
// upload of each other), or as many as fit in -d. The clock runs from the moment every
// worker has warmed up to the last upload's answer.
func runUploadPhase(ctx context.Context, cfg config, base string, workers []*uploader, n int, mon *monitor) (*uploadPhase, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &uploadPhase{c: len(workers)}
	var mu sync.Mutex
	var firstErr error
	var failed atomic.Int64
	fail := func(err error) bool {
		if errors.Is(err, errSessionLost) || (err != nil && failed.Add(1) > 10) {
			mu.Lock()
			if firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
			cancel()
			return true
		}
		return false
	}

	var warm sync.WaitGroup
	for _, w := range workers {
		warm.Go(func() {
			if _, _, err := w.upload(ctx, base); err != nil {
				fail(err)
			}
		})
	}
	warm.Wait()
	if firstErr != nil {
		return nil, firstErr
	}

	start := time.Now()
	until := start.Add(cfg.d)
	self0 := selfCPU()
	m := mon.read()
	cpu0 := m.cpu
	p.rssPeak, p.heapPeak = m.rss, m.heap
	sampled := make(chan struct{})
	stop := make(chan struct{})
	go func() { // RSS and heap every 250 ms while the uploads run
		defer close(sampled)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				m := mon.read()
				p.rssPeak, p.heapPeak = max(p.rssPeak, m.rss), max(p.heapPeak, m.heap)
			}
		}
	}()
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			var lat []time.Duration
			errs, conflicts, most := 0, 0, 0
			for ctx.Err() == nil && time.Now().Before(until) && next.Add(1) <= int64(n) {
				t0 := time.Now()
				ok, conflict, err := w.upload(ctx, base)
				t1 := time.Now()
				if fail(err) {
					break
				}
				switch {
				case ok:
					lat = append(lat, t1.Sub(t0))
					most = max(most, w.d.files)
				case conflict:
					conflicts++
				default:
					errs++
				}
			}
			mu.Lock()
			p.latencies = append(p.latencies, lat...)
			p.errors += errs
			p.conflicts += conflicts
			p.draftFiles = max(p.draftFiles, most)
			mu.Unlock()
		})
	}
	wg.Wait()
	p.elapsed = time.Since(start)
	self1 := selfCPU()
	close(stop)
	<-sampled
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m = mon.read()
	p.rssPeak, p.heapPeak = max(p.rssPeak, m.rss), max(p.heapPeak, m.heap)
	if cpu0 > 0 && m.cpu > 0 {
		p.cpu = m.cpu - cpu0
	}
	if self0 > 0 && self1 > 0 {
		p.clientCPU = self1 - self0
	}
	return p, nil
}

// diskBaseline writes files durably with c writers, the way the server's blob store does
// (internal/blob Disk.Put without the hashing): a temporary file under tmp/, written,
// fsynced and closed, renamed to ab/cd/<name>, then the directory fsynced (and its parents
// when they were created). It stops after files files or limit, and removes what it wrote.
func diskBaseline(ctx context.Context, up uploadConfig, c, files int, limit time.Duration) (*diskPhase, error) {
	dir, err := os.MkdirTemp(up.diskDir, "disk-baseline-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	d := &diskPhase{}
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Go(func() {
			data := make([]byte, up.size)
			rand.Read(data)
			var lat []time.Duration
			for ctx.Err() == nil && next.Add(1) <= int64(files) {
				rand.Read(data[6:22])
				t0 := time.Now()
				if err := durableWrite(dir, data); err != nil {
					mu.Lock()
					firstErr = firstOf(firstErr, err)
					mu.Unlock()
					cancel()
					return
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			d.latencies = append(d.latencies, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	d.elapsed, d.files = time.Since(start), len(d.latencies)
	if firstErr != nil {
		return nil, firstErr
	}
	if d.files == 0 {
		return nil, errors.New("no file written")
	}
	return d, nil
}

func firstOf(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func durableWrite(dir string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Join(dir, "tmp"), "put-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	var name [32]byte
	rand.Read(name[:])
	hexName := hex.EncodeToString(name[:])
	final := filepath.Join(dir, hexName[:2], hexName[2:4], hexName)
	_, statErr := os.Stat(filepath.Dir(final))
	newDirs := errors.Is(statErr, os.ErrNotExist)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return err
	}
	dirs := []string{filepath.Dir(final)}
	if newDirs {
		dirs = append(dirs, filepath.Dir(dirs[0]), dir)
	}
	for _, p := range dirs {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// reportUploads prints the Markdown tables; rss is the server's RSS before sign-in, after the
// applicants were registered and signed in, after settling (which took settled), and at
// the end.
func reportUploads(out io.Writer, cfg config, up uploadConfig, org, slot, jpegDesc string, accounts int, results map[int][]*uploadPhase, rss [4]float64, settled time.Duration) {
	size := float64(up.size) / (1 << 20)
	fmt.Fprintf(out, "Uploads: %s; files of %d bytes (%.2f MiB) into slot `%s` of drafts of %d applicants registered in %s, at most %d files per draft; concurrency %s; %d rounds × %d uploads per level (after one unrecorded upload per worker, at most %s); client %s on %d CPUs.\n\n",
		cfg.base.Host, up.size, size, slot, accounts, org, up.perDraft, joinInts(up.levels), cfg.rounds, up.n, cfg.d, runtime.Version(), runtime.NumCPU())
	fmt.Fprintf(out, "Each file is a JPEG of %s.\n\n", jpegDesc)
	fmt.Fprintln(out, "| concurrency | uploads | MiB/s | uploads/s | p50 | p90 | p99 | max | errors | conflicts | server CPU ms/upload | load tool CPU ms/upload | most files in a draft |")
	fmt.Fprintln(out, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, c := range up.levels {
		var lat []time.Duration
		var elapsed time.Duration
		var cpu, self float64
		errs, conflicts, most := 0, 0, 0
		for _, p := range results[c] {
			most = max(most, p.draftFiles)
			lat = append(lat, p.latencies...)
			elapsed += p.elapsed
			cpu += p.cpu
			self += p.clientCPU
			errs += p.errors
			conflicts += p.conflicts
		}
		slices.Sort(lat)
		n := len(lat)
		fmt.Fprintf(out, "| %d | %d | %.1f | %.1f | %s | %s | %s | %s | %d | %d | %s | %s | %d |\n", c, n,
			float64(n)*size/elapsed.Seconds(), float64(n)/elapsed.Seconds(),
			ms(pct(lat, .5)), ms(pct(lat, .9)), ms(pct(lat, .99)), ms(pct(lat, 1)), errs, conflicts, perMs(cpu, n), perMs(self, n), most)
	}

	fmt.Fprintf(out, "\nBaseline: the same number of files written by the load tool with the same concurrency into `-disk-dir` (same filesystem), each made durable like the blob store does (write, fsync, rename into ab/cd/, fsync directories). Ratio = upload MiB/s ÷ disk MiB/s; per round, then the median.\n\n")
	fmt.Fprintln(out, "| concurrency | disk files | disk MiB/s | disk p50 | disk p99 | upload ÷ disk (all rounds) | per-round ratio (median) | upload p50 ÷ disk p50 |")
	fmt.Fprintln(out, "|--:|--:|--:|--:|--:|--:|---|--:|")
	for _, c := range up.levels {
		var files int
		var elapsed, upElapsed time.Duration
		var dlat, ulat []time.Duration
		var ratios []float64
		var shown []string
		uploads := 0
		for _, p := range results[c] {
			files += p.disk.files
			elapsed += p.disk.elapsed
			dlat = append(dlat, p.disk.latencies...)
			ulat = append(ulat, p.latencies...)
			uploads += len(p.latencies)
			upElapsed += p.elapsed
			r := p.mibps(up.size) / p.disk.mibps(up.size)
			ratios = append(ratios, r)
			shown = append(shown, fmt.Sprintf("%.2f", r))
		}
		slices.Sort(dlat)
		slices.Sort(ulat)
		slices.Sort(ratios)
		diskRate := float64(files) * size / elapsed.Seconds()
		upRate := float64(uploads) * size / upElapsed.Seconds()
		fmt.Fprintf(out, "| %d | %d | %.1f | %s | %s | %.2f× | %s (%.2f) | %.1f× |\n", c, files, diskRate,
			ms(pct(dlat, .5)), ms(pct(dlat, .99)), upRate/diskRate, strings.Join(shown, ", "), median(ratios), ratio(pct(ulat, .5), pct(dlat, .5)))
	}

	fmt.Fprintf(out, "\nServer memory. RSS: %s MiB before sign-in, %s MiB after registering and signing in %d applicants (argon2id), %s MiB after %s of unrecorded uploads to settle, %s MiB after the run. Growth is the phase's RSS peak over the settled RSS; if the server held each upload in memory it would grow by at least concurrency × file size.\n\n",
		mib(rss[0]), mib(rss[1]), accounts, mib(rss[2]), settled.Round(100*time.Millisecond), mib(rss[3]))
	fmt.Fprintln(out, "| concurrency | concurrency × file size MiB | RSS peak MiB, round 1 | growth MiB, round 1 | growth ÷ (concurrency × file size) | RSS peak MiB, all rounds | heap in use peak MiB, all rounds |")
	fmt.Fprintln(out, "|--:|--:|--:|--:|--:|--:|--:|")
	for _, c := range up.levels {
		first := results[c][0]
		var rssAll, heapAll float64
		for _, p := range results[c] {
			rssAll, heapAll = max(rssAll, p.rssPeak), max(heapAll, p.heapPeak)
		}
		growth := first.rssPeak - rss[2]
		fmt.Fprintf(out, "| %d | %.0f | %s | %+.1f | %.2f | %s | %s |\n", c, float64(c)*size, mib(first.rssPeak), growth/(1<<20),
			growth/(float64(c)*float64(up.size)), mib(rssAll), mib(heapAll))
	}
}

func perMs(cpu float64, n int) string {
	if cpu <= 0 || n == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", cpu*1e3/float64(n))
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
