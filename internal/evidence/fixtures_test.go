package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"zhicheng/internal/blob"
	"zhicheng/internal/model"
)

// Fixtures are made here, not checked in: images with the standard encoders, PDFs with
// fpdf or written by hand where the exact byte count matters.

// picture is a w × h gradient with a few coloured bars, so decoders have real work to do.
func picture(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 1))
	c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), c.B, 255})
		}
	}
	for y := h / 3; y < h/3+h/10; y++ {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	return img
}

// noise is incompressible: a JPEG of it is large for its pixel count.
func noise(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	return img
}

func jpegOf(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	return jpegOf(t, picture(w, h, uint64(w*h)), 85)
}

func pngBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, picture(64, 48, 7)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, picture(32, 32, 9), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// paddedJPEG is a valid JPEG of exactly size bytes: comment (COM) segments after the
// start-of-image marker, which decoders skip.
func paddedJPEG(t testing.TB, size int) []byte {
	t.Helper()
	img := jpegBytes(t, 64, 64)
	pad := size - len(img)
	if pad < 4 {
		t.Fatalf("JPEG of %d bytes cannot be padded to %d", len(img), size)
	}
	var b bytes.Buffer
	b.Write(img[:2]) // SOI
	for pad > 0 {
		n := min(pad, 4+65533) // marker (2) + length (2) + at most 65533 bytes of comment
		if rest := pad - n; rest > 0 && rest < 4 {
			n -= 4 // leave room for one more segment
		}
		b.Write([]byte{0xFF, 0xFE, byte((n - 2) >> 8), byte(n - 2)})
		b.Write(bytes.Repeat([]byte{'z'}, n-4))
		pad -= n
	}
	b.Write(img[2:])
	if b.Len() != size {
		t.Fatalf("padded JPEG is %d bytes, want %d", b.Len(), size)
	}
	return b.Bytes()
}

// fpdfPDF is a real PDF of the given number of pages made with fpdf; each page carries an
// image, so the file is tens of kilobytes.
func fpdfPDF(t testing.TB, pages int) []byte {
	t.Helper()
	return fpdfDoc(t, pages, func(*fpdf.Fpdf) {})
}

func fpdfDoc(t testing.TB, pages int, setup func(*fpdf.Fpdf)) []byte {
	t.Helper()
	doc := fpdf.New("P", "mm", "A4", "")
	setup(doc)
	doc.SetFont("Helvetica", "", 14)
	doc.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(jpegOf(t, noise(200, 200, 3), 90)))
	for i := range pages {
		doc.AddPage()
		doc.Cell(40, 10, fmt.Sprintf("Evidence page %d", i+1))
		doc.ImageOptions("scan", 20, 40, 100, 100, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	}
	var b bytes.Buffer
	if err := doc.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// store is a blob store on disk that counts what reaches it.
type store struct {
	*blob.Disk
	mu   sync.Mutex
	puts int
}

func newStore(t testing.TB) *store {
	t.Helper()
	d, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &store{Disk: d}
}

func (s *store) Put(ctx context.Context, r io.Reader, limit int64) (blob.Ref, error) {
	s.mu.Lock()
	s.puts++
	s.mu.Unlock()
	return s.Disk.Put(ctx, r, limit)
}

func (s *store) read(t testing.TB, sha string) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), sha)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// refused asserts a R-APP-01-style refusal whose message contains want.
func refused(t testing.TB, err error, rule, want string) {
	t.Helper()
	var e *model.Error
	if !errors.As(err, &e) {
		t.Fatalf("want a refusal containing %q, got %v", want, err)
	}
	if e.Kind != model.KindInvalid || e.Rule != rule || e.Field != "file" || e.Fix == "" {
		t.Fatalf("refusal %+v: want kind invalid, rule %s, field file and a fix", e, rule)
	}
	if !strings.Contains(e.Message, want) {
		t.Fatalf("refusal %q does not say %q", e.Message, want)
	}
}
