package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"zhicheng/internal/evidence"
	"zhicheng/internal/evidence/evidencetest"
)

func TestR_APP_01_sizeLimit(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		make func(testing.TB, int) []byte
		kind evidence.Kind
	}{
		{"PDF", evidencetest.SizedPDF, evidence.PDF},
		{"JPEG", paddedJPEG, evidence.JPEG},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			exact := tc.make(t, evidence.MaxSize)
			a, err := evidence.Accept(ctx, s, bytes.NewReader(exact))
			if err != nil {
				t.Fatalf("exactly 2 MiB refused: %v", err)
			}
			if a.Kind != tc.kind || a.Pages != 1 || a.Ref.Size != evidence.MaxSize {
				t.Fatalf("accepted %+v", a)
			}
			if !bytes.Equal(s.read(t, a.Ref.SHA256), exact) {
				t.Fatal("stored bytes differ from the upload")
			}
			// One byte more, still a valid file of its kind: refused for its size alone.
			_, err = evidence.Accept(ctx, s, bytes.NewReader(tc.make(t, evidence.MaxSize+1)))
			refused(t, err, "R-APP-01", "超过 2 MB")
			if s.puts != 1 {
				t.Fatalf("%d puts: the oversize file reached the store", s.puts)
			}
		})
	}

	t.Run("oversize body is not buffered", func(t *testing.T) {
		s := newStore(t)
		body := &endless{head: []byte("%PDF-1.7\n"), left: 1 << 30} // 1 GiB on offer
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := evidence.Accept(ctx, s, body)
		runtime.ReadMemStats(&after)
		refused(t, err, "R-APP-01", "超过 2 MB")
		if body.read != evidence.MaxSize+1 {
			t.Errorf("read %d bytes of the body, want exactly MaxSize+1 = %d", body.read, evidence.MaxSize+1)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<10 {
			t.Errorf("refusing an oversize body allocated %d bytes; the copy should go through one fixed buffer", alloc)
		} else {
			t.Logf("refusing a 1 GiB body: read %d bytes, allocated %d bytes", body.read, alloc)
		}
		if s.puts != 0 {
			t.Fatal("an oversize body reached the store")
		}
	})
}

// endless serves head, then spaces, without allocating, and counts what was read.
type endless struct {
	head []byte
	left int64
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), e.left)]
	n := 0
	if e.read < int64(len(e.head)) {
		n = copy(p, e.head[e.read:])
	}
	for i := n; i < len(p); i++ {
		p[i] = ' '
	}
	e.read += int64(len(p))
	e.left -= int64(len(p))
	return len(p), nil
}

func TestR_APP_01_disguisedPNG(t *testing.T) {
	ctx := context.Background()
	heic := append([]byte{0, 0, 0, 0x18}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...)
	for _, tc := range []struct {
		name string // as the applicant named it: irrelevant, the content decides
		data []byte
		want string
	}{
		{"证书.jpg", pngBytes(t), "这是 PNG 图片"},
		{"证书.jpeg", gifBytes(t), "这是 GIF 图片"},
		{"IMG_0001.jpg", heic, "HEIC"},
		{"论文.pdf", []byte("PK\x03\x04\x14\x00\x06\x00 word/document.xml"), "Word"},
		{"论文.pdf", []byte("<!DOCTYPE html><html><body>not a pdf</body></html>"), "网页"},
		{"x.pdf", []byte{0x00, 0x01, 0x02, 0x03, 0xFE}, "不是 JPG、JPEG 或 PDF"},
		{"empty.jpg", nil, "文件为空"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			_, err := evidence.Accept(ctx, s, bytes.NewReader(tc.data))
			refused(t, err, "R-APP-01", tc.want)
			if s.puts != 0 {
				t.Fatal("a refused file reached the store")
			}
			// The in-memory check used by entrustment letters agrees.
			if _, err := evidence.Check(tc.data); err == nil {
				t.Fatal("Check accepted it")
			}
		})
	}
}

func TestR_APP_01_truncatedPDF(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"fpdf", fpdfPDF(t, 3)},
		{"hand-written", evidencetest.SizedPDF(t, 64<<10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			a, err := evidence.Accept(ctx, s, bytes.NewReader(tc.data))
			if err != nil {
				t.Fatalf("the whole PDF is refused: %v", err)
			}
			if a.Kind != evidence.PDF || a.Pages < 1 || a.Width != 0 {
				t.Fatalf("accepted %+v", a)
			}
			half := tc.data[:len(tc.data)/2]
			_, err = evidence.Accept(ctx, s, bytes.NewReader(half))
			refused(t, err, "R-APP-01", "不完整")
			// Cut off the body but keep a plausible ending: pdfcpu's structural check refuses it.
			spliced := append(bytes.Clone(tc.data[:len(tc.data)/2]), tc.data[len(tc.data)-30:]...)
			_, err = evidence.Accept(ctx, s, bytes.NewReader(spliced))
			refused(t, err, "R-APP-01", "PDF 文件已损坏或结构不正确")
			if s.puts != 1 {
				t.Fatalf("%d puts: a broken PDF reached the store", s.puts)
			}
		})
	}
	t.Run("pages counted", func(t *testing.T) {
		a, err := evidence.Accept(ctx, newStore(t), bytes.NewReader(fpdfPDF(t, 4)))
		if err != nil || a.Pages != 4 {
			t.Fatalf("4-page PDF: %+v %v", a, err)
		}
	})
}

func TestR_APP_01_corruptJPEG(t *testing.T) {
	ctx := context.Background()
	good := jpegBytes(t, 320, 200)
	s := newStore(t)
	a, err := evidence.Accept(ctx, s, bytes.NewReader(good))
	if err != nil {
		t.Fatalf("good JPEG refused: %v", err)
	}
	if a.Kind != evidence.JPEG || a.Pages != 1 || a.Width != 320 || a.Height != 200 {
		t.Fatalf("accepted %+v", a)
	}
	garbled := bytes.Clone(good)
	for i := 4; i < 200; i++ { // wreck the tables after the first marker
		garbled[i] = 0x5A
	}
	huge := bytes.Clone(good) // a header claiming 60000 × 60000 pixels: refused before decoding
	if i := bytes.Index(huge, []byte{0xFF, 0xC0}); i < 0 {
		t.Fatal("no SOF0 marker")
	} else {
		copy(huge[i+5:], []byte{0xEA, 0x60, 0xEA, 0x60})
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", good[:len(good)/2], "已损坏或不完整"},
		{"header only", good[:300], "已损坏或不完整"},
		{"garbled tables", garbled, "已损坏或不完整"},
		{"signature only", []byte{0xFF, 0xD8, 0xFF, 0xE0}, "已损坏或不完整"},
		{"decompression bomb", huge, "分辨率过高"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := evidence.Accept(ctx, s, bytes.NewReader(tc.data))
			refused(t, err, "R-APP-01", tc.want)
		})
	}
	if s.puts != 1 {
		t.Fatalf("%d puts: a corrupt JPEG reached the store", s.puts)
	}
}

func TestR_APP_01_encryptedPDF(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		user, owner string
		want        string
	}{
		{"open password", "123456", "owner-secret", "打开密码"},
		{"permissions password only", "", "owner-secret", "已加密"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := fpdfDoc(t, 1, func(d *fpdf.Fpdf) { d.SetProtection(fpdf.CnProtectPrint, tc.user, tc.owner) })
			s := newStore(t)
			_, err := evidence.Accept(ctx, s, bytes.NewReader(data))
			refused(t, err, "R-APP-01", tc.want)
			if s.puts != 0 {
				t.Fatal("an encrypted PDF reached the store")
			}
		})
	}
}

// pdfcpu validation runs for many uploads at once at a deadline; run with -race.
func TestAcceptConcurrent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var data []byte
			pages := i%4 + 1
			switch i % 3 {
			case 0:
				data = fpdfPDF(t, pages)
			case 1:
				data, pages = evidencetest.SizedPDF(t, 4096+i), 1
			default:
				data, pages = jpegBytes(t, 100+i, 80), 1
			}
			a, err := evidence.Accept(ctx, s, bytes.NewReader(data))
			if err == nil && a.Pages != pages {
				err = fmt.Errorf("upload %d: %d pages, want %d", i, a.Pages, pages)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestAcceptCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := newStore(t)
	if _, err := evidence.Accept(ctx, s, bytes.NewReader(jpegBytes(t, 10, 10))); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled upload: %v", err)
	}
}

// TestAcceptMemory reports what accepting a 2 MiB upload allocates (go test -v -run Memory).
// Spooling goes through one fixed buffer; what remains is the checking: pdfcpu holds the
// PDF's objects in memory, and a JPEG is decoded into a full image (bounded by MaxPixels).
func TestAcceptMemory(t *testing.T) {
	ctx := context.Background()
	big := jpegOf(t, noise(1000, 1000, 5), 92)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"2 MiB PDF", evidencetest.SizedPDF(t, evidence.MaxSize)},
		{"2 MiB JPEG, 64×64 pixels + comments", paddedJPEG(t, evidence.MaxSize)},
		{fmt.Sprintf("%d KiB JPEG, 1000×1000 pixels of noise", len(big)>>10), big},
	} {
		s := newStore(t)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := evidence.Accept(ctx, s, bytes.NewReader(tc.data)); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		runtime.ReadMemStats(&after)
		t.Logf("%s: %d bytes allocated in %d allocations", tc.name, after.TotalAlloc-before.TotalAlloc, after.Mallocs-before.Mallocs)
	}
}
