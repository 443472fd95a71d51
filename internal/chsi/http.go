package chsi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zhicheng/internal/model"
)

// HTTP is the client of a real records gateway.
//
// CHSI (学信网) publishes no API for third parties: its online checks are for people with a
// browser and a verification code. A province reaches the registered records through its
// data-sharing gateway (政务数据共享交换平台), which fronts the Ministry of Education's
// interface under a data-sharing agreement. Every gateway names its paths and fields in its
// own way, so this client implements one plain shape and a deployment adapts it (or puts a
// small adapter in front of the gateway):
//
//	GET {base}/degrees/{certificateNo}?name={name}
//	Authorization: Bearer {token}
//	Accept: application/json
//
//	200 {"certificate_no": "…", "name": "…", "id_number_masked": "…", "school": "…",
//	     "major": "…", "level": "本科", "type": "普通高等教育",
//	     "enrolled": "2014-09-01", "graduated": "2018-06-30"}
//	404            no such certificate                → ErrNotFound
//	409, 422       the certificate is not this name's → ErrMismatch
//	5xx, timeout   and any other answer               → ErrUnavailable
//
// A 200 whose name differs from the one asked is ErrMismatch too; dates may also come as
// YYYYMMDD. Each lookup is bounded by Timeout (5 s).
type HTTP struct {
	base   string
	token  string
	client *http.Client
	// Timeout bounds one lookup, connection included; NewHTTP sets DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout is how long a lookup may take before the applicant is told to retry or
// upload the proof.
const DefaultTimeout = 5 * time.Second

// maxResponse bounds the body read from the gateway.
const maxResponse = 1 << 20

// NewHTTP returns the client of the gateway at baseURL (no trailing slash needed), sending
// token as a bearer token when it is not empty. A nil client means a default one.
func NewHTTP(baseURL, token string, client *http.Client) *HTTP {
	if client == nil {
		client = &http.Client{Timeout: DefaultTimeout}
	}
	return &HTTP{base: strings.TrimRight(baseURL, "/"), token: token, client: client, Timeout: DefaultTimeout}
}

// Lookup asks the gateway for the certificate's record.
func (h *HTTP) Lookup(ctx context.Context, certificateNo, name string) (Record, error) {
	no := Normalize(certificateNo)
	if no == "" {
		return Record{}, fmt.Errorf("%w: empty certificate number", ErrNotFound)
	}
	if h.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, h.Timeout)
		defer cancel()
	}
	u := h.base + "/degrees/" + url.PathEscape(no) + "?" + url.Values{"name": {name}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return Record{}, fmt.Errorf("%w: build request: %v", ErrUnavailable, err)
	}
	req.Header.Set("Accept", "application/json")
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		// Timeouts, refused connections, TLS failures: the error names the URL, which holds
		// the certificate number and the name, so only its kind is kept.
		return Record{}, fmt.Errorf("%w: %s", ErrUnavailable, transportError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return Record{}, fmt.Errorf("%w: read response: %s", ErrUnavailable, transportError(err))
	}
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound:
		return Record{}, fmt.Errorf("%w: %s", ErrNotFound, Mask(no))
	case resp.StatusCode == http.StatusConflict, resp.StatusCode == http.StatusUnprocessableEntity:
		return Record{}, fmt.Errorf("%w: %s", ErrMismatch, Mask(no))
	case resp.StatusCode >= 500:
		return Record{}, fmt.Errorf("%w: gateway answered HTTP %d", ErrUnavailable, resp.StatusCode)
	default:
		// 401/403 (credentials), 400, 429…: nothing the applicant can fix; the log says it.
		return Record{}, fmt.Errorf("%w: unexpected HTTP %d from the gateway", ErrUnavailable, resp.StatusCode)
	}
	var r Record
	if err := json.Unmarshal(body, &r); err != nil {
		return Record{}, fmt.Errorf("%w: malformed response: %v", ErrUnavailable, err)
	}
	return h.check(r, no, name)
}

// check normalises a 200 answer and refuses one that is not the record asked for.
func (h *HTTP) check(r Record, no, name string) (Record, error) {
	r.CertificateNo = Normalize(r.CertificateNo)
	switch r.CertificateNo {
	case "":
		r.CertificateNo = no
	case no:
	default:
		return Record{}, fmt.Errorf("%w: the gateway answered for another certificate", ErrUnavailable)
	}
	r.Name = strings.TrimSpace(r.Name)
	switch r.Name {
	case "":
		r.Name = name // the gateway matched the name itself and did not repeat it
	case name:
	default:
		return Record{}, fmt.Errorf("%w: %s", ErrMismatch, Mask(no))
	}
	r.School, r.Major, r.Level, r.Type = strings.TrimSpace(r.School), strings.TrimSpace(r.Major), strings.TrimSpace(r.Level), strings.TrimSpace(r.Type)
	var err error
	if r.Enrolled, err = gatewayDate(r.Enrolled); err != nil {
		return Record{}, fmt.Errorf("%w: enrolled: %v", ErrUnavailable, err)
	}
	if r.Graduated, err = gatewayDate(r.Graduated); err != nil {
		return Record{}, fmt.Errorf("%w: graduated: %v", ErrUnavailable, err)
	}
	if r.School == "" {
		return Record{}, fmt.Errorf("%w: response without a school", ErrUnavailable)
	}
	r.Source = model.CHSIGateway
	return r, nil
}

// gatewayDate accepts YYYY-MM-DD, YYYY-MM, YYYYMMDD and empty.
func gatewayDate(d model.Date) (model.Date, error) {
	s := strings.TrimSpace(string(d))
	if len(s) == 8 && allDigits(s) {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	out := model.Date(s)
	if s != "" && !out.Valid() {
		return "", fmt.Errorf("not a date: %q", string(d))
	}
	return out, nil
}

// transportError describes a failed request without its URL.
func transportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return err.Error()
}
