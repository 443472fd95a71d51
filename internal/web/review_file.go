package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"zhicheng/internal/model"
	"zhicheng/internal/store"
)

// reviewFile streams one of the application's files to a reviewer in scope, for the inline
// viewer (a JPEG as an image, a PDF in the browser's viewer) or as a download; the service
// logs every access (R-SEC-01). Anyone out of scope gets 404 and nothing is logged.
func (s *Server) reviewFile(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fid, err := fileID(r)
	if err != nil {
		return err
	}
	kind, disposition := store.AccessView, "inline"
	if r.URL.Query().Get("download") != "" {
		kind, disposition = store.AccessDownload, "attachment"
	}
	ev, rc, err := s.svc.Review.OpenEvidence(r.Context(), a, id, fid, kind)
	if err != nil {
		return err
	}
	defer rc.Close()
	ctype := ev.Kind
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
	// No caching: every view is an access the applicant can see in the log.
	h.Set("Cache-Control", "no-store")
	if ev.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(ev.Size, 10))
	}
	io.Copy(w, rc)
	return nil
}
