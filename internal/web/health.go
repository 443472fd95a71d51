package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"zhicheng/internal/model"
)

// healthz answers a load balancer: 200 with {"status":"ok"} when the database answers.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := map[string]any{"status": "ok", "database": string(s.db.Dialect()), "version": s.cfg.Version}
	st := http.StatusOK
	if err := s.db.Ping(ctx); err != nil {
		s.log.Error("health check", "err", err)
		body["status"], st = "database unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(st)
	return json.NewEncoder(w).Encode(body)
}

// metricsShow serves Prometheus metrics, behind a bearer token when one is configured.
func (s *Server) metricsShow(w http.ResponseWriter, r *http.Request, _ model.Actor) error {
	if s.cfg.MetricsToken != "" && r.Header.Get("Authorization") != "Bearer "+s.cfg.MetricsToken {
		return &model.Error{Kind: model.KindUnauthenticated, Message: "需要监控令牌"}
	}
	s.metricsHandler().ServeHTTP(w, r)
	return nil
}
