package rules

import (
	"testing"

	"zhicheng/internal/model"
)

// R-APP-08: after a return the applicant may change only the returned items.
func TestR_APP_08_onlyReturnedItemsChange(t *testing.T) {
	items := []ReturnItem{{Module: 5, Text: "小结过于简略"}, {Field: "papers.p1", Text: "论文一查重率有误"}, {Slot: "basic/photo", Text: "照片不清晰"}}
	allowed := []FieldChange{{Path: "summary", Label: "工作小结"}, {Path: "papers.p1.plagiarism_rate", Label: "查重率"}}
	if errs := CheckReturnedChanges(allowed, items); len(errs) != 0 {
		t.Fatalf("covered changes refused: %v", errs)
	}
	refusedChanges := []FieldChange{{Path: "papers.p2.title", Label: "论文二题目"}, {Path: "basic.ethnicity", Label: "民族"}}
	errs := CheckReturnedChanges(refusedChanges, items)
	if len(errs) != 2 || errs[0].Rule != "R-APP-08" || errs[0].Field != "papers.p2.title" || errs[0].Fix == "" {
		t.Fatalf("uncovered changes: %v", errs)
	}
	if err := ReturnedSlotError(items, model.Slot{Key: "basic/photo", Module: 1}); err != nil {
		t.Fatalf("returned slot refused: %v", err)
	}
	if err := ReturnedSlotError(items, model.Slot{Key: "papers/p1/cover", Module: 4}); err != nil {
		t.Fatalf("slot under a returned field refused: %v", err)
	}
	if err := ReturnedSlotError(items, model.Slot{Key: "papers/p2/cover", Module: 4, Label: "论文二封面"}); err == nil {
		t.Fatal("slot of another paper accepted")
	}
}
