package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"userpool/internal/store"
)

// Threat protection and log delivery settings, stored and echoed:
// DescribeRiskConfiguration / SetRiskConfiguration (per pool, ClientId
// "ALL", or per app client, which then overrides the pool's) and
// GetLogDeliveryConfiguration / SetLogDeliveryConfiguration (per pool).
// userpool evaluates no risk and delivers no logs to AWS destinations.

// RiskConfiguration is RiskConfigurationType; the three configurations are
// the wire documents as sent.
type RiskConfiguration struct {
	PoolID                                  string          `json:"UserPoolId"`
	ClientID                                string          `json:"ClientId,omitempty"`
	CompromisedCredentialsRiskConfiguration json.RawMessage `json:"CompromisedCredentialsRiskConfiguration,omitempty"`
	AccountTakeoverRiskConfiguration        json.RawMessage `json:"AccountTakeoverRiskConfiguration,omitempty"`
	RiskExceptionConfiguration              json.RawMessage `json:"RiskExceptionConfiguration,omitempty"`
	UpdatedAt                               time.Time       `json:"LastModifiedDate"`
}

// SetRiskConfiguration replaces the risk configuration of the pool (clientID
// "") or of an app client.
func (s *Service) SetRiskConfiguration(ctx context.Context, in RiskConfiguration) (RiskConfiguration, error) {
	p, err := s.GetPool(ctx, in.PoolID)
	if err != nil {
		return RiskConfiguration{}, err
	}
	name := uiName(in.ClientID)
	if name != allClients {
		if err := s.requireClient(ctx, p.ID, name); err != nil {
			return RiskConfiguration{}, err
		}
	}
	rc := RiskConfiguration{PoolID: p.ID, ClientID: in.ClientID,
		CompromisedCredentialsRiskConfiguration: nullToNil(in.CompromisedCredentialsRiskConfiguration),
		AccountTakeoverRiskConfiguration:        nullToNil(in.AccountTakeoverRiskConfiguration),
		RiskExceptionConfiguration:              nullToNil(in.RiskExceptionConfiguration),
		UpdatedAt:                               s.nowUTC()}
	if name == allClients {
		rc.ClientID = ""
	}
	err = s.putResource(ctx, p.ID, kindRisk, name, "", rc.UpdatedAt, func(time.Time) ([]byte, error) { return encodeBody(rc) })
	if err != nil {
		return RiskConfiguration{}, err
	}
	return rc, nil
}

// DescribeRiskConfiguration returns the risk configuration of an app client
// (its own, else the pool's) or of the pool (clientID ""); with none set it
// holds only the ids.
func (s *Service) DescribeRiskConfiguration(ctx context.Context, poolID, clientID string) (RiskConfiguration, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return RiskConfiguration{}, err
	}
	name := uiName(clientID)
	if name != allClients {
		if err := s.requireClient(ctx, p.ID, name); err != nil {
			return RiskConfiguration{}, err
		}
	}
	for _, n := range []string{name, allClients} {
		r, err := s.store.GetResource(ctx, p.ID, kindRisk, n)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return RiskConfiguration{}, Internal(err)
		}
		var rc RiskConfiguration
		if err := decodeBody(r, &rc); err != nil {
			return RiskConfiguration{}, err
		}
		rc.ClientID = clientID
		return rc, nil
	}
	return RiskConfiguration{PoolID: p.ID, ClientID: clientID}, nil
}

// LogConfiguration is LogConfigurationType; the destinations are the wire
// documents as sent.
type LogConfiguration struct {
	LogLevel                    string          `json:"LogLevel"`
	EventSource                 string          `json:"EventSource"`
	CloudWatchLogsConfiguration json.RawMessage `json:"CloudWatchLogsConfiguration,omitempty"`
	S3Configuration             json.RawMessage `json:"S3Configuration,omitempty"`
	FirehoseConfiguration       json.RawMessage `json:"FirehoseConfiguration,omitempty"`
}

// LogDeliveryConfiguration is LogDeliveryConfigurationType.
type LogDeliveryConfiguration struct {
	PoolID            string             `json:"UserPoolId"`
	LogConfigurations []LogConfiguration `json:"LogConfigurations"`
}

const logDeliveryName = "default"

func checkLogConfigurations(list []LogConfiguration) error {
	seen := map[string]bool{}
	for _, c := range list {
		if seen[c.EventSource] {
			return invalidParam("Duplicate log configuration for event source %s.", c.EventSource)
		}
		seen[c.EventSource] = true
		switch {
		case c.EventSource == "userNotification" && c.LogLevel != "ERROR":
			return invalidParam("The log level of event source userNotification must be ERROR.")
		case c.EventSource == "userAuthEvents" && c.LogLevel != "INFO":
			return invalidParam("The log level of event source userAuthEvents must be INFO.")
		}
		n := 0
		for _, d := range []json.RawMessage{c.CloudWatchLogsConfiguration, c.S3Configuration, c.FirehoseConfiguration} {
			if len(nullToNil(d)) > 0 {
				n++
			}
		}
		if n != 1 {
			return invalidParam("Exactly one destination must be configured for event source %s.", c.EventSource)
		}
	}
	return nil
}

// SetLogDeliveryConfiguration replaces the pool's log delivery configuration.
func (s *Service) SetLogDeliveryConfiguration(ctx context.Context, poolID string, list []LogConfiguration) (LogDeliveryConfiguration, error) {
	if err := checkLogConfigurations(list); err != nil {
		return LogDeliveryConfiguration{}, err
	}
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return LogDeliveryConfiguration{}, err
	}
	if list == nil {
		list = []LogConfiguration{}
	}
	ld := LogDeliveryConfiguration{PoolID: p.ID, LogConfigurations: list}
	now := s.nowUTC()
	if err := s.putResource(ctx, p.ID, kindLogDelivery, logDeliveryName, "", now, func(time.Time) ([]byte, error) { return encodeBody(ld) }); err != nil {
		return LogDeliveryConfiguration{}, err
	}
	return ld, nil
}

// GetLogDeliveryConfiguration returns the pool's log delivery configuration
// (no configurations when none was set).
func (s *Service) GetLogDeliveryConfiguration(ctx context.Context, poolID string) (LogDeliveryConfiguration, error) {
	p, err := s.GetPool(ctx, poolID)
	if err != nil {
		return LogDeliveryConfiguration{}, err
	}
	r, err := s.store.GetResource(ctx, p.ID, kindLogDelivery, logDeliveryName)
	if errors.Is(err, store.ErrNotFound) {
		return LogDeliveryConfiguration{PoolID: p.ID, LogConfigurations: []LogConfiguration{}}, nil
	}
	if err != nil {
		return LogDeliveryConfiguration{}, Internal(err)
	}
	var ld LogDeliveryConfiguration
	return ld, decodeBody(r, &ld)
}
