package rules

import (
	"fmt"
	"strings"

	"zhicheng/internal/model"
)

// ReturnCovers reports whether a return's items let the applicant change the form field at
// path (a FieldChange or finding path) or the upload slot with key slot ("papers/<id>/cover"):
// an item naming the module covers the whole module, an item naming a field covers that field
// and everything under it, an item naming a slot covers that slot (R-APP-08: "they can change
// only the returned items").
func ReturnCovers(items []ReturnItem, path, slot string, slotModule int) bool {
	if slot != "" {
		path = strings.ReplaceAll(slot, "/", ".")
	}
	module := FieldModule(path)
	if slot != "" {
		module = slotModule
	}
	for _, it := range items {
		switch {
		case it.Module > 0 && it.Module == module:
			return true
		case it.Slot != "" && slot != "" && it.Slot == slot:
			return true
		case it.Field != "" && (path == it.Field || strings.HasPrefix(path, it.Field+".")):
			return true
		}
	}
	return false
}

// CheckReturnedChanges refuses every change of a returned application's form that none of the
// return's items covers, naming what may be changed.
func CheckReturnedChanges(changes []FieldChange, items []ReturnItem) model.Errors {
	var errs model.Errors
	for _, c := range changes {
		if !ReturnCovers(items, c.Path, "", 0) {
			errs = append(errs, &model.Error{Kind: model.KindInvalid, Rule: "R-APP-08", Field: c.Path,
				Message: fmt.Sprintf("“%s”不在退回修改的项目中，不能修改", c.Label),
				Fix:     "退回修改时只能修改审核意见所列的项目：" + describeItems(items)})
		}
	}
	return errs
}

// ReturnedSlotError refuses a change to an upload slot that the return does not cover.
func ReturnedSlotError(items []ReturnItem, slot model.Slot) error {
	if ReturnCovers(items, "", slot.Key, slot.Module) {
		return nil
	}
	return &model.Error{Kind: model.KindInvalid, Rule: "R-APP-08", Field: "slot:" + slot.Key,
		Message: "“" + slot.Label + "”不在退回修改的项目中，不能更换材料",
		Fix:     "退回修改时只能修改审核意见所列的项目：" + describeItems(items)}
}

func describeItems(items []ReturnItem) string {
	var parts []string
	for _, it := range items {
		switch {
		case it.Module > 0:
			parts = append(parts, ModuleName(it.Module))
		case it.Slot != "":
			parts = append(parts, "材料 "+it.Slot)
		case it.Field != "":
			parts = append(parts, "字段 "+it.Field)
		}
	}
	if len(parts) == 0 {
		return "（无）"
	}
	return strings.Join(parts, "、")
}
