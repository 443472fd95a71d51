package evidence

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	pdfmodel "github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pdfcpuSetup keeps pdfcpu from creating and reading a configuration directory under the
// user's home: its configuration is process-wide, so it is set once, before first use.
//
// Validation itself needs no lock: with the configuration directory disabled,
// pdfmodel.NewDefaultConfiguration builds a fresh Configuration on each call, and
// pdfcpu.ReadWithContext and validate.XRefTable keep all their state in the per-call
// pdfmodel.Context. The package-level state left on that path is read-only (lookup tables,
// the loggers, which we never set) or guarded by pdfcpu's own locks (user font metrics,
// which a disabled config directory leaves empty). TestAcceptConcurrent runs validations
// in parallel and passes under -race.
var pdfcpuSetup sync.Once

const pdfFix = "请用原软件重新导出 PDF（或用“打印 → 另存为 PDF”），确认能正常打开后再上传"

// checkPDFFile checks that the PDF is complete (its end-of-file marker survives: a
// truncated upload loses it), that pdfcpu can read and validate its structure, that it is
// not encrypted (reviewers could not open it, and it could not be bound into the
// dossier), and that it has pages. It returns the page count.
func checkPDFFile(ctx context.Context, f io.ReaderAt, size int64) (int, error) {
	tail := make([]byte, min(size, 1024))
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return 0, fmt.Errorf("read evidence: %w", err)
	}
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return 0, refuseFix(msgTruncatedPDF, pdfFix)
	}
	pages, err := validatePDF(ctx, io.NewSectionReader(f, 0, size))
	if err != nil {
		return 0, err
	}
	if pages < 1 {
		return 0, refuseFix("PDF 文件没有任何页面", pdfFix)
	}
	return pages, nil
}

// validatePDF reads and validates a PDF with pdfcpu in relaxed mode (the mode that
// accepts what common readers open) and returns its page count.
func validatePDF(ctx context.Context, rs io.ReadSeeker) (pages int, err error) {
	pdfcpuSetup.Do(api.DisableConfigDir)
	// The bytes are the applicant's: a parser panic on a malformed file is a refusal, not
	// a crashed request.
	defer func() {
		if r := recover(); r != nil {
			pages, err = 0, refuseFix(msgCorruptPDF, pdfFix)
		}
	}()
	conf := pdfmodel.NewDefaultConfiguration()
	conf.ValidationMode = pdfmodel.ValidationRelaxed
	conf.Cmd = pdfmodel.VALIDATE
	pc, err := pdfcpu.ReadWithContext(ctx, rs, conf)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, pdfReadRefusal(err)
	}
	if pc.Encrypt != nil || pc.E != nil {
		return 0, refuseFix("PDF 文件已加密（设有权限密码），系统无法将其编入评审材料", encryptedFix)
	}
	if err := api.ValidateContext(pc); err != nil {
		return 0, refuseFix(msgCorruptPDF, pdfFix)
	}
	return pc.PageCount, nil
}

const encryptedFix = "请取消 PDF 的密码和权限限制后重新导出（或用“打印 → 另存为 PDF”生成一份不加密的文件）再上传"

func pdfReadRefusal(err error) error {
	switch {
	case errors.Is(err, pdfcpu.ErrWrongPassword):
		return refuseFix("PDF 文件设有打开密码，评审专家无法打开", encryptedFix)
	case errors.Is(err, pdfcpu.ErrEncrypted), strings.Contains(strings.ToLower(err.Error()), "encrypt"):
		return refuseFix("PDF 文件已加密，系统无法读取", encryptedFix)
	}
	return refuseFix(msgCorruptPDF, pdfFix)
}
