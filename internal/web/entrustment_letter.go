package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"zhicheng/internal/model"
)

// entrustmentLetter streams a letter to the office or to the unit that sent it. The type
// comes from the content, never the stored name; anything but PDF or JPEG (which the
// upload refuses anyway) is offered as a download.
func (s *Server) entrustmentLetter(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	e, rc, err := s.svc.Entrustments.Letter(r.Context(), a, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return err
	}
	ctype, disposition := http.DetectContentType(head[:n]), "inline"
	if ctype != "application/pdf" && ctype != "image/jpeg" {
		ctype, disposition = "application/octet-stream", "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": e.LetterName}); cd != "" {
		h.Set("Content-Disposition", cd)
	} else {
		h.Set("Content-Disposition", disposition)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	if e.LetterSize > 0 {
		h.Set("Content-Length", strconv.FormatInt(e.LetterSize, 10))
	}
	if _, err := w.Write(head[:n]); err != nil {
		return nil // the client went away
	}
	io.Copy(w, rc)
	return nil
}
