package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"zhicheng/internal/model"
	"zhicheng/internal/service"
)

// reviewBatch passes several applications of the department's or the office's list at once
// (issue #5 item 9): ids[] with versions[], each id with the version the reviewer saw. Each
// is passed on its own, in its own transaction through the service, so that a refusal (a
// version conflict, a guard) never stops the others; the list page shows what became of
// each in the flash.
//
// versions[] pairs with ids[] by position, or, as the list page sends it (a hidden field per
// row, a checkbox per row), as "id:version".
func (s *Server) reviewBatch(sc reviewScope, pass func(*service.Review) batchFunc) Handler {
	return func(w http.ResponseWriter, r *http.Request, a model.Actor) error {
		r.ParseForm()
		ids, versions := formList(r, "ids"), formList(r, "versions")
		keyed := map[string]string{}
		for _, v := range versions {
			if id, ver, ok := strings.Cut(v, ":"); ok {
				keyed[id] = ver
			}
		}
		back := sc.Href
		if q := filterQuery(readReviewFilter(r.PostFormValue), ""); q != "" {
			back += "?" + q
		}
		if len(ids) == 0 {
			s.flash(r, "请先勾选要批量通过的申报。")
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		var passed int
		var lines []string
		for i, idText := range ids {
			ver, ok := keyed[idText]
			if !ok && len(keyed) == 0 && i < len(versions) {
				ver, ok = versions[i], true
			}
			id, err1 := strconv.ParseInt(idText, 10, 64)
			v, err2 := strconv.ParseInt(ver, 10, 64)
			if !ok || err1 != nil || err2 != nil || id <= 0 {
				lines = append(lines, fmt.Sprintf("申报 %s：未通过——缺少有效的申报编号或版本", idText))
				continue
			}
			if _, err := pass(s.svc.Review)(r.Context(), a, id, v, ""); err != nil {
				if status(err) == http.StatusInternalServerError {
					return err
				}
				lines = append(lines, fmt.Sprintf("申报 %d：未通过——%s", id, refusalText(err)))
				continue
			}
			passed++
			lines = append(lines, fmt.Sprintf("申报 %d：已通过", id))
		}
		s.flash(r, fmt.Sprintf("批量通过：%d 件通过，%d 件未通过。", passed, len(ids)-passed)+strings.Join(lines, "；")+"。")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
}

type batchFunc = func(ctx context.Context, a model.Actor, id, v int64, note string) (service.Outcome, error)

// formList is a repeated form field, sent as name or as name[].
func formList(r *http.Request, name string) []string {
	return append(append([]string(nil), r.PostForm[name]...), r.PostForm[name+"[]"]...)
}

// refusalText is every problem of a refusal on one line.
func refusalText(err error) string {
	var msgs []string
	for _, e := range userErrors(err) {
		m := e.Message
		if e.Rule != "" {
			m += "（" + e.Rule + "）"
		}
		msgs = append(msgs, m)
	}
	return strings.Join(msgs, "；")
}
