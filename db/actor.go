package db

import (
	"slices"
	"strings"
)

// Role is what a user is allowed to do and see.
type Role string

// The roles of contract §2, plus the two actors that are not users.
const (
	RoleAdmin      Role = "admin"
	RoleOffice     Role = "office"
	RoleDepartment Role = "department"
	RoleLeader     Role = "leader"
	RoleEnterprise Role = "enterprise"
	RoleAuditor    Role = "auditor"
	RoleSystem     Role = "system"
	RolePublic     Role = "public"
	// RoleService is another system calling with a service key, within the key's scopes.
	RoleService Role = "service"
)

// Roles lists the roles a user account can have, in display order.
var Roles = []Role{RoleAdmin, RoleOffice, RoleDepartment, RoleLeader, RoleEnterprise, RoleAuditor}

var roleLabels = map[Role]string{
	RoleAdmin:      "系统管理员",
	RoleOffice:     "专班工作人员",
	RoleDepartment: "责任单位",
	RoleLeader:     "包保领导",
	RoleEnterprise: "企业",
	RoleAuditor:    "纪检监督",
	RoleSystem:     "系统",
	RolePublic:     "公众",
	RoleService:    "外部系统",
}

// Label is the role's Chinese name.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// Valid reports whether r is a role a user account can have.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Actor is who performs an operation, with the scope their role is bound to. Every
// db method that reads or writes on a user's behalf takes one, so scope rules live here.
type Actor struct {
	UserID       int64
	Name         string
	Role         Role
	DepartmentID int64
	LeaderID     int64
	EnterpriseID int64
	// AppealID is the one report a public actor's receipt code opens.
	AppealID int64
	// KeyID and Scopes are a service actor's key and what it may do ("hotline" …),
	// space-separated.
	KeyID  int64
	Scopes string
}

// HasScope reports whether a service actor's key grants scope.
func (a Actor) HasScope(scope string) bool {
	return a.Role == RoleService && slices.Contains(strings.Fields(a.Scopes), scope)
}

// SystemActor performs the automatic steps, such as escalation of overdue appeals.
var SystemActor = Actor{Name: "系统", Role: RoleSystem}

// Is reports whether the actor has one of the roles.
func (a Actor) Is(roles ...Role) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

func Forbidden() error { return Errorf(EFORBIDDEN, "您的角色无权进行此操作。") }
