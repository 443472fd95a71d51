package evidence_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"zhicheng/internal/evidence"
)

func readers(images ...[]byte) []io.Reader {
	rs := make([]io.Reader, len(images))
	for i, img := range images {
		rs[i] = bytes.NewReader(img)
	}
	return rs
}

func TestR_APP_02_combineImages(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	// Portrait, landscape, portrait: the page orientations show the order was kept.
	a, err := evidence.CombineImages(ctx, s, readers(jpegBytes(t, 300, 420), jpegBytes(t, 640, 360), jpegBytes(t, 200, 500)))
	if err != nil {
		t.Fatal(err)
	}
	if a.Kind != evidence.PDF || a.Pages != 3 || a.Ref.Size > evidence.MaxSize {
		t.Fatalf("combined: %+v", a)
	}
	data := s.read(t, a.Ref.SHA256)
	n, err := api.PageCount(bytes.NewReader(data), nil)
	if err != nil || n != 3 {
		t.Fatalf("pdfcpu reads %d pages (%v), want 3", n, err)
	}
	dims, err := api.PageDims(bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, landscape := range []bool{false, true, false} {
		d := dims[i]
		// A4 is 595.28 × 841.89 points.
		if long, short := max(d.Width, d.Height), min(d.Width, d.Height); long < 841 || long > 843 || short < 594 || short > 596 {
			t.Errorf("page %d is %.1f × %.1f pt, not A4", i+1, d.Width, d.Height)
		}
		if (d.Width > d.Height) != landscape {
			t.Errorf("page %d: %.0f × %.0f, want landscape=%v (images out of order?)", i+1, d.Width, d.Height, landscape)
		}
	}

	t.Run("refusals", func(t *testing.T) {
		s := newStore(t)
		_, err := evidence.CombineImages(ctx, s, nil)
		refused(t, err, "R-APP-02", "没有要合并的图片")

		_, err = evidence.CombineImages(ctx, s, readers(jpegBytes(t, 50, 50), pngBytes(t)))
		refused(t, err, "R-APP-01", "第 2 张图片：这是 PNG 图片")

		good := jpegBytes(t, 60, 60)
		_, err = evidence.CombineImages(ctx, s, readers(good, good[:len(good)/2]))
		refused(t, err, "R-APP-01", "第 2 张图片：JPG 图片已损坏")

		// Three photos of about 0.75 MiB: each acceptable, together over 2 MiB.
		var photos [][]byte
		var total int
		for i := range 3 {
			p := jpegOf(t, noise(1000, 850, uint64(10+i)), 90)
			if len(p) > evidence.MaxSize {
				t.Fatalf("fixture photo of %d bytes is itself over the limit", len(p))
			}
			photos, total = append(photos, p), total+len(p)
		}
		if total <= evidence.MaxSize {
			t.Fatalf("fixture photos total %d bytes, not over the limit", total)
		}
		_, err = evidence.CombineImages(ctx, s, readers(photos...))
		refused(t, err, "R-APP-02", "合并后的 PDF 超过 2 MB")
		if s.puts != 0 {
			t.Fatalf("%d puts: a refused combination reached the store", s.puts)
		}
		// The first two still fit.
		if a, err := evidence.CombineImages(ctx, s, readers(photos[:2]...)); err != nil || a.Pages != 2 {
			t.Fatalf("two photos: %+v %v", a, err)
		}
	})
}
