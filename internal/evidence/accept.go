package evidence

import (
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"os"

	"zhicheng/internal/blob"
)

// Putter stores bytes by content: internal/blob's Disk and S3.
type Putter interface {
	Put(ctx context.Context, r io.Reader, limit int64) (blob.Ref, error)
}

// Accepted is evidence that passed every check and is stored.
type Accepted struct {
	Ref           blob.Ref
	Kind          Kind
	Pages         int // pages of a PDF; 1 for a JPEG
	Width, Height int // pixels of a JPEG; 0 for a PDF
}

// MaxPixels bounds a JPEG's width × height. Checking a JPEG means decoding it, and the
// decoded image takes 1.5–3 bytes a pixel (more while a progressive JPEG is decoded) however
// small the file: a 2 MiB file can declare 65535 × 65535 pixels. 50 million pixels covers an
// A4 page scanned at 600 dpi (35 M) and a 48 M phone photo.
const MaxPixels = 50_000_000

// copyBufSize is the one buffer an upload passes through on its way to the temporary file.
const copyBufSize = 32 << 10

// Accept reads an upload, refuses it unless it is a complete JPEG or a structurally valid,
// unencrypted PDF of at most MaxSize bytes (R-APP-01), and only then stores it. The body
// is streamed into a temporary file through a fixed buffer and never read past MaxSize+1
// bytes; refusals are *model.Error naming the reason. It is Receive followed by Check.
func Accept(ctx context.Context, store Putter, r io.Reader) (Accepted, error) {
	u, err := Receive(ctx, r)
	if err != nil {
		return Accepted{}, err
	}
	defer u.Close()
	return u.Check(ctx, store)
}

// Upload is a received upload waiting for its check: bytes on local disk, the kind sniffed
// from its first bytes. Receiving is cheap and limited by the client's speed; checking
// (decoding a JPEG, parsing a PDF) is expensive, so a caller can receive freely and bound
// only how many checks run at once — a slow client then holds no check slot.
type Upload struct {
	f    *tempFile
	kind Kind
	size int64
}

// Receive streams r into a temporary file (at most MaxSize+1 bytes), refusing at once what
// is empty, too large or not a JPEG/PDF by its first bytes. The caller closes the Upload.
func Receive(ctx context.Context, r io.Reader) (*Upload, error) {
	f, kind, size, err := spool(ctx, r)
	if err != nil {
		return nil, err
	}
	return &Upload{f: f, kind: kind, size: size}, nil
}

// Close removes the temporary file.
func (u *Upload) Close() error { return u.f.Close() }

// Check validates the received bytes and stores them.
func (u *Upload) Check(ctx context.Context, store Putter) (Accepted, error) {
	a, err := inspect(ctx, u.f, u.kind, u.size)
	if err != nil {
		return Accepted{}, err
	}
	if _, err := u.f.Seek(0, io.SeekStart); err != nil {
		return Accepted{}, fmt.Errorf("rewind evidence: %w", err)
	}
	ref, err := store.Put(ctx, u.f, MaxSize)
	if err != nil {
		return Accepted{}, fmt.Errorf("store evidence: %w", err)
	}
	if ref.Size != u.size {
		return Accepted{}, fmt.Errorf("store evidence: stored %d bytes of %d", ref.Size, u.size)
	}
	a.Ref = ref
	return a, nil
}

// spool copies r into an anonymous temporary file, at most MaxSize+1 bytes of it. The
// first bytes are looked at before the rest is read, so a disguised file is refused at
// once. The file is unlinked as soon as it is created (where the system allows), so a
// crash leaves nothing behind; the caller closes it.
func spool(ctx context.Context, r io.Reader) (_ *tempFile, _ Kind, size int64, err error) {
	src := ctxReader{ctx, r}
	buf := make([]byte, copyBufSize)
	n, err := io.ReadFull(src, buf[:sniffLen])
	switch {
	case n == 0 && (err == nil || err == io.EOF):
		return nil, "", 0, refuse(msgEmpty)
	case err != nil && err != io.ErrUnexpectedEOF && err != io.EOF:
		return nil, "", 0, fmt.Errorf("read upload: %w", err)
	}
	head := buf[:n]
	var kind Kind
	switch {
	case isJPEG(head):
		kind = JPEG
	case isPDF(head):
		kind = PDF
	default:
		if name := formatName(head); name != "" {
			return nil, "", 0, refuseFix(disguised(name), disguisedFix(name))
		}
		return nil, "", 0, refuse(msgUnknown)
	}
	f, err := newTempFile()
	if err != nil {
		return nil, "", 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if _, err := f.Write(head); err != nil {
		return nil, "", 0, fmt.Errorf("write temporary evidence: %w", err)
	}
	// io.CopyBuffer uses our buffer only if neither side brings its own: hide *os.File's
	// ReadFrom, which would allocate one per call.
	rest, err := io.CopyBuffer(struct{ io.Writer }{f}, io.LimitReader(src, MaxSize+1-int64(n)), buf)
	if err != nil {
		return nil, "", 0, fmt.Errorf("read upload: %w", err)
	}
	if size = int64(n) + rest; size > MaxSize {
		return nil, "", 0, refuseFix(msgTooLarge, "请压缩图片或降低扫描分辨率（如 150–200 dpi）后重新导出，使文件不超过 2 MB；材料较多时可拆分上传")
	}
	return f, kind, size, nil
}

// inspect validates the spooled file completely.
func inspect(ctx context.Context, f *tempFile, kind Kind, size int64) (Accepted, error) {
	switch kind {
	case JPEG:
		w, h, err := checkJPEG(io.NewSectionReader(f, 0, size))
		if err != nil {
			return Accepted{}, err
		}
		return Accepted{Kind: JPEG, Pages: 1, Width: w, Height: h}, nil
	case PDF:
		pages, err := checkPDFFile(ctx, f, size)
		if err != nil {
			return Accepted{}, err
		}
		return Accepted{Kind: PDF, Pages: pages}, nil
	}
	return Accepted{}, fmt.Errorf("evidence: unknown kind %q", kind)
}

// checkJPEG decodes the whole image: a truncated or corrupt JPEG fails here, not on a
// reviewer's screen.
func checkJPEG(r *io.SectionReader) (width, height int, err error) {
	cfg, err := jpeg.DecodeConfig(r)
	if err != nil {
		return 0, 0, refuse(msgCorruptJPEG)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, refuse(msgCorruptJPEG)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return 0, 0, refuseFix(fmt.Sprintf("图片分辨率过高（%d × %d 像素），超过 5000 万像素", cfg.Width, cfg.Height),
			"请缩小图片尺寸（如长边不超过 6000 像素）后重新上传")
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return 0, 0, fmt.Errorf("rewind evidence: %w", err)
	}
	if _, err := jpeg.Decode(r); err != nil {
		return 0, 0, refuse(msgCorruptJPEG)
	}
	return cfg.Width, cfg.Height, nil
}

// tempFile is a temporary file that is removed when closed, or at once where the system
// lets an open file be unlinked.
type tempFile struct {
	*os.File
	name string // non-empty while the name still has to be removed
}

func newTempFile() (*tempFile, error) {
	f, err := os.CreateTemp("", "zhicheng-evidence-*")
	if err != nil {
		return nil, fmt.Errorf("create temporary evidence file: %w", err)
	}
	t := &tempFile{File: f, name: f.Name()}
	if os.Remove(f.Name()) == nil {
		t.name = ""
	}
	return t, nil
}

func (t *tempFile) Close() error {
	err := t.File.Close()
	if t.name != "" {
		err = errors.Join(err, os.Remove(t.name))
	}
	return err
}

// ctxReader stops a long copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
