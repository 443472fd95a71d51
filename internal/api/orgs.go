package api

import (
	"net/http"
	"strconv"

	"zhicheng/internal/model"
)

// orgResponse is one organisation.
type orgResponse struct {
	ID          int64   `json:"id"`
	ParentID    *int64  `json:"parent_id"`
	Kind        string  `json:"kind"`
	KindLabel   string  `json:"kind_label"`
	UnitType    *string `json:"unit_type"`
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	ReviewChain []int64 `json:"review_chain"`
	// The posts of the grassroots senior quota (R-ELG-09); 0 when not registered.
	ProfessionalPosts     int    `json:"professional_posts"`
	GrassrootsSeniorPosts int    `json:"grassroots_senior_posts"`
	CreatedAt             string `json:"created_at"`
	Version               int64  `json:"version"`
}

func orgJSON(o model.Org) orgResponse {
	res := orgResponse{
		ID: o.ID, Kind: string(o.Kind), KindLabel: o.Kind.Label(), Code: o.Code, Name: o.Name,
		ReviewChain: nonNil(o.ReviewChain), ProfessionalPosts: o.ProfessionalPosts, GrassrootsSeniorPosts: o.GrassrootsSeniorPosts,
		CreatedAt: utc(o.Created), Version: o.Version,
	}
	if o.ParentID != 0 {
		p := o.ParentID
		res.ParentID = &p
	}
	if o.UnitType != "" {
		t := string(o.UnitType)
		res.UnitType = &t
	}
	return res
}

// orgNode is an organisation in the depth-first tree list.
type orgNode struct {
	orgResponse
	Depth int `json:"depth"`
}

type orgListResponse struct {
	Orgs []orgNode `json:"orgs"`
}

func (x *API) orgList(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	tree, err := x.svc.Orgs.Tree(r.Context(), a)
	if err != nil {
		return err
	}
	res := orgListResponse{Orgs: make([]orgNode, 0, len(tree))}
	for _, n := range tree {
		res.Orgs = append(res.Orgs, orgNode{orgResponse: orgJSON(n.Org), Depth: n.Depth})
	}
	return writeJSON(w, http.StatusOK, res)
}

// orgCreateRequest is a new organisation.
type orgCreateRequest struct {
	ParentID              int64   `json:"parent_id"`
	Kind                  string  `json:"kind"`
	UnitType              string  `json:"unit_type"`
	Code                  string  `json:"code"`
	Name                  string  `json:"name"`
	ReviewChain           []int64 `json:"review_chain"`
	ProfessionalPosts     int     `json:"professional_posts"`
	GrassrootsSeniorPosts int     `json:"grassroots_senior_posts"`
}

func (x *API) orgCreate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	var in orgCreateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	id, err := x.svc.Orgs.Create(r.Context(), a, model.Org{
		ParentID: in.ParentID, Kind: model.OrgKind(in.Kind), UnitType: model.UnitType(in.UnitType),
		Code: in.Code, Name: in.Name, ReviewChain: in.ReviewChain,
		ProfessionalPosts: in.ProfessionalPosts, GrassrootsSeniorPosts: in.GrassrootsSeniorPosts,
	})
	if err != nil {
		return err
	}
	return writeCreated(w, "/api/v1/orgs/"+strconv.FormatInt(id, 10), id)
}

func (x *API) orgShow(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := x.svc.Orgs.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, orgJSON(o))
}

// orgUpdateRequest changes an organisation; kind and parent cannot change. It replaces the
// whole: an omitted field is cleared (posts omitted are 0, not registered).
type orgUpdateRequest struct {
	Name                  string  `json:"name"`
	Code                  string  `json:"code"`
	UnitType              string  `json:"unit_type"`
	ReviewChain           []int64 `json:"review_chain"`
	ProfessionalPosts     int     `json:"professional_posts"`
	GrassrootsSeniorPosts int     `json:"grassroots_senior_posts"`
	Version               *int64  `json:"version"`
}

func (x *API) orgUpdate(w http.ResponseWriter, r *http.Request, a model.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in orgUpdateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := requireVersion(in.Version)
	if err != nil {
		return err
	}
	err = x.svc.Orgs.Update(r.Context(), a, model.Org{
		ID: id, Name: in.Name, Code: in.Code, UnitType: model.UnitType(in.UnitType), ReviewChain: in.ReviewChain,
		ProfessionalPosts: in.ProfessionalPosts, GrassrootsSeniorPosts: in.GrassrootsSeniorPosts, Version: v,
	})
	if err != nil {
		return err
	}
	o, err := x.svc.Orgs.Get(r.Context(), a, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, orgJSON(o))
}
