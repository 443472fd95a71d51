package evidence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"codeberg.org/go-pdf/fpdf"

	"zhicheng/internal/model"
)

// A4 in millimetres, and the white margin kept around each image.
const (
	a4Width, a4Height = 210.0, 297.0
	pageMargin        = 10.0
)

const combineFix = "请减少图片数量，或先压缩图片（降低分辨率或画质）后再合并；也可分成几个文件分别上传"

// CombineImages lays several ordered JPEGs out as one PDF, one image per A4 page in the
// given order, each scaled to fit inside the margins and centred (a landscape image gets a
// landscape page), and accepts and stores the result like any upload (R-APP-02). Each
// image must itself be an acceptable JPEG; as the JPEG data is embedded unchanged, the
// combined file is about the sum of the images, and is refused once that passes MaxSize.
func CombineImages(ctx context.Context, store Putter, images []io.Reader) (Accepted, error) {
	if len(images) == 0 {
		return Accepted{}, &model.Error{Kind: model.KindInvalid, Rule: "R-APP-02", Field: "file",
			Message: "没有要合并的图片", Fix: "请按顺序选择一张或多张 JPG 图片"}
	}
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetMargins(0, 0, 0)
	doc.SetAutoPageBreak(false, 0)
	doc.SetCreator("zhicheng", true)
	var total int64
	for i, r := range images {
		data, w, h, err := readImage(ctx, r)
		if err != nil {
			return Accepted{}, numbered(i, err)
		}
		if total += int64(len(data)); total > MaxSize {
			return Accepted{}, tooLargeCombined(len(images))
		}
		name := fmt.Sprintf("image-%d", i+1)
		doc.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(data))
		orientation := "P"
		if w > h {
			orientation = "L"
		}
		doc.AddPageFormat(orientation, fpdf.SizeType{Wd: a4Width, Ht: a4Height})
		pw, ph := doc.GetPageSize()
		scale := min((pw-2*pageMargin)/float64(w), (ph-2*pageMargin)/float64(h))
		iw, ih := float64(w)*scale, float64(h)*scale
		doc.ImageOptions(name, (pw-iw)/2, (ph-ih)/2, iw, ih, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		if err := doc.Error(); err != nil {
			return Accepted{}, fmt.Errorf("combine images: image %d: %w", i+1, err)
		}
	}
	var out bytes.Buffer
	if err := doc.Output(&out); err != nil {
		return Accepted{}, fmt.Errorf("combine images: %w", err)
	}
	if out.Len() > MaxSize {
		return Accepted{}, tooLargeCombined(len(images))
	}
	return Accept(ctx, store, &out)
}

// readImage reads one image of at most MaxSize bytes and checks it as Accept would.
func readImage(ctx context.Context, r io.Reader) (data []byte, width, height int, err error) {
	data, err = io.ReadAll(io.LimitReader(ctxReader{ctx, r}, MaxSize+1))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("read image: %w", err)
	}
	switch {
	case len(data) == 0:
		return nil, 0, 0, refuse(msgEmpty)
	case len(data) > MaxSize:
		return nil, 0, 0, refuseFix(msgTooLarge, combineFix)
	case isPDF(data[:min(len(data), sniffLen)]):
		return nil, 0, 0, refuseFix("这是 PDF 文件，只有 JPG 图片可以合并", "PDF 文件请直接上传")
	case !isJPEG(data):
		if name := formatName(data[:min(len(data), sniffLen)]); name != "" {
			return nil, 0, 0, refuseFix(disguised(name), disguisedFix(name))
		}
		return nil, 0, 0, refuse(msgUnknown)
	}
	width, height, err = checkJPEG(io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data))))
	return data, width, height, err
}

// numbered names the image a refusal is about.
func numbered(i int, err error) error {
	var e *model.Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Message = fmt.Sprintf("第 %d 张图片：%s", i+1, e.Message)
	return &c
}

func tooLargeCombined(n int) error {
	return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-02", Field: "file",
		Message: fmt.Sprintf("%d 张图片合并后的 PDF 超过 2 MB 上限", n), Fix: combineFix}
}
