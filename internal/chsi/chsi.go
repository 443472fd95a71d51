// Package chsi verifies an applicant's education against the national higher-education
// records service (学信网, CHSI): the [同步学信网] button of the education entry (SPEC §4,
// seed 003 填报须知三(一)5). A Verifier looks a graduation certificate up by its number and
// the holder's name and returns the registered record, or one of three errors the applicant
// can act on: ErrNotFound (no such certificate), ErrMismatch (it exists but is not this
// person's) and ErrUnavailable (the service could not answer; retry, or upload the proof).
//
// Two implementations: Simulated, a deterministic made-up registry for the demo and tests,
// and HTTP, the client of a real gateway. CHSI itself publishes no API for third parties; a
// province reaches its records through the data-sharing gateway (政务数据共享交换平台), whose
// URL and response shape are deployment configuration (see HTTP).
package chsi

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"zhicheng/internal/model"
)

// Verifier fetches the registered record of a graduation certificate (毕业证书). name is
// the applicant's real name; a record whose holder has another name is ErrMismatch, so a
// caller cannot read another person's record by guessing numbers.
type Verifier interface {
	Lookup(ctx context.Context, certificateNo, name string) (Record, error)
}

// The errors of Lookup, to be tested with errors.Is (implementations wrap them with detail).
var (
	// ErrNotFound: no certificate with this number is registered.
	ErrNotFound = errors.New("chsi: no such certificate")
	// ErrMismatch: the certificate exists but its holder's name is not the name given.
	ErrMismatch = errors.New("chsi: certificate does not match the name")
	// ErrUnavailable: the service did not answer usefully (timeout, 5xx, a malformed answer,
	// refused credentials). Nothing is known about the certificate; the applicant may retry
	// or upload the proof instead.
	ErrUnavailable = errors.New("chsi: records service unavailable")
)

// Record is a registered graduation record as CHSI shows it (学历证书电子注册信息).
type Record struct {
	CertificateNo string `json:"certificate_no"` // 证书编号
	Name          string `json:"name"`           // 姓名
	// IDNumberMasked is the holder's ID number as the service masks it, when it gives one.
	IDNumberMasked string `json:"id_number_masked,omitempty"`
	School         string `json:"school"` // 院校名称, as on the certificate
	Major          string `json:"major"`  // 专业
	// Level is CHSI's wording of the level (层次): 博士研究生, 硕士研究生, 本科, 专科;
	// EduLevel maps it onto the form's values.
	Level string `json:"level"`
	// Type is the kind of study (学历类别 / 办学类型): 普通高等教育, 成人高等教育, 网络教育, ….
	Type      string     `json:"type,omitempty"`
	Enrolled  model.Date `json:"enrolled,omitempty"` // 入学日期, YYYY-MM-DD
	Graduated model.Date `json:"graduated"`          // 毕（结）业日期, YYYY-MM-DD
	// Source is set by the Verifier that answered, never read from a gateway's answer: the
	// record stored on the entry says whether a real check or the simulation produced it.
	Source model.CHSISource `json:"-"`
}

// EduLevel maps the record's level onto the form's EduLevel; "" when the wording is not
// recognised (the applicant then chooses it).
func (r Record) EduLevel() model.EduLevel {
	l := strings.TrimSpace(r.Level)
	switch {
	case strings.HasPrefix(l, "博士"):
		return model.EduDoctorate
	case strings.HasPrefix(l, "硕士"):
		return model.EduMaster
	case strings.HasPrefix(l, "本科"), strings.HasPrefix(l, "第二学士"):
		return model.EduBachelor
	case strings.HasPrefix(l, "专科"), strings.HasPrefix(l, "高职"):
		return model.EduAssociate
	}
	return ""
}

// Normalize trims a certificate number as typed (spaces inside are dropped: numbers are
// often copied in groups).
func Normalize(certificateNo string) string {
	return strings.Join(strings.Fields(certificateNo), "")
}

// YearOf reads the graduation year out of a certificate number in the standard 18-digit
// layout of regular and adult higher education (see Simulated): digits 7–10. ok is false for
// any other shape (17-digit numbers of 2001, self-study numbers), or an implausible year.
func YearOf(certificateNo string) (year int, ok bool) {
	no := Normalize(certificateNo)
	if len(no) != 18 || !allDigits(no) {
		return 0, false
	}
	y, _ := strconv.Atoi(no[6:10])
	if y < 1990 || y > 2100 {
		return 0, false
	}
	return y, true
}

// Mask hides a certificate number for logs and audit entries: the first 5 (the school) and
// the last 4 digits stay.
func Mask(certificateNo string) string {
	no := Normalize(certificateNo)
	n := len([]rune(no))
	if n <= 9 {
		return strings.Repeat("*", n)
	}
	r := []rune(no)
	return string(r[:5]) + strings.Repeat("*", n-9) + string(r[n-4:])
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
