package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"zhicheng/internal/model"
)

// fileID reads {file_id}.
func fileID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("file_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("file id %q: %w", r.PathValue("file_id"), model.ErrNotFound)
	}
	return id, nil
}

// applicationFile streams one of the applicant's files for inline preview: a JPEG as an
// image (the thumbnails), a PDF in the browser's viewer. The type is the one the upload
// check established from the content (R-APP-01), never the name.
func (s *Server) applicationFile(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fid, err := fileID(r)
	if err != nil {
		return err
	}
	ev, rc, err := s.svc.Applications.File(r.Context(), a, id, fid)
	if err != nil {
		return err
	}
	defer rc.Close()
	ctype, disposition := ev.Kind, "inline"
	if ctype != "application/pdf" && ctype != "image/jpeg" {
		ctype, disposition = "application/octet-stream", "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": ev.Name}); cd != "" {
		h.Set("Content-Disposition", cd)
	} else {
		h.Set("Content-Disposition", disposition)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	// Files are content-addressed and never change under an id: a short private cache
	// spares phones reloading thumbnails on every page.
	h.Set("Cache-Control", "private, max-age=600")
	if ev.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(ev.Size, 10))
	}
	io.Copy(w, rc)
	return nil
}
