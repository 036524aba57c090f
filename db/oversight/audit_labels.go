package oversight

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"strings"
)

// auditActionLabels name the audit log's action codes in Chinese; an appeal's actions
// ("appeal.<action>") take the workflow's own names.
var auditActionLabels = map[string]string{
	"auth.login":              "登录",
	"auth.logout":             "退出登录",
	"auth.password":           "修改密码",
	"user.create":             "新建用户",
	"user.update":             "修改用户",
	"department.create":       "新建责任单位",
	"department.update":       "修改责任单位",
	"enterprise.intake":       "热线登记新企业",
	"enterprise.review":       "确认待审核企业",
	"leader.create":           "新建包保领导",
	"leader.update":           "修改包保领导",
	"enterprise.create":       "新建企业",
	"enterprise.update":       "修改企业信息",
	"liaison.create":          "建立包保关系",
	"liaison.update":          "修改包保关系",
	"liaison.end":             "结束包保关系",
	"visit.create":            "记录走访",
	"message.send":            "直通车留言",
	"message.read":            "阅读直通车留言",
	"message.appeal":          "留言转为诉求",
	"import.enterprises":      "导入企业",
	"import.liaisons":         "导入包保关系",
	"issue_class.create":      "确定一类问题",
	"issue_class.update":      "修改一类问题",
	"issue_class.close":       "一类问题整治办结",
	"issue_class.reopen":      "一类问题重新整治",
	"case.create":             "发布典型案例",
	"case.update":             "修改典型案例",
	"accountability.create":   "登记问责",
	"identity.reveal":         "查阅举报人身份",
	"oversight.sample":        "抽取抽查样本",
	"settings.deadline":       "修改办理时限",
	"settings.figure_weights": "修改排名权重",
	"settings.report":         "修改通报设置",
	"settings.visit_cadence":  "修改走访周期",
	"demo.build":              "生成演示数据",
	"demo.appeals":            "生成演示诉求",
	"demo.visits":             "生成演示走访",
}

// AuditActionLabel is an audit action's Chinese name; a code it does not know is shown
// as it is rather than hidden.
func AuditActionLabel(code string) string {
	if l, ok := auditActionLabels[code]; ok {
		return l
	}
	if act, ok := strings.CutPrefix(code, "appeal."); ok {
		return appeal.ActionLabel(appeal.Action(act))
	}
	return code
}

var auditObjectLabels = map[string]string{
	"appeal": "诉求", "enterprise": "企业", "department": "责任单位", "leader": "包保领导", "user": "用户",
	"liaison": "包保关系", "visit": "走访记录", "message": "直通车留言", "issue_class": "一类问题",
	"case": "典型案例", "accountability": "问责", "settings": "系统设置", "city": "全市", "month": "月度",
	"import": "导入",
}

// AuditObjectLabel is an object type's Chinese name.
func AuditObjectLabel(objectType string) string {
	if l, ok := auditObjectLabels[objectType]; ok {
		return l
	}
	return objectType
}

// auditNameQueries name the objects people know by name or number.
var auditNameQueries = map[string]string{
	"appeal":      "SELECT id, number FROM appeals WHERE id IN (%s)",
	"enterprise":  "SELECT id, name FROM enterprises WHERE id IN (%s)",
	"department":  "SELECT id, name FROM departments WHERE id IN (%s)",
	"leader":      "SELECT id, name FROM leaders WHERE id IN (%s)",
	"user":        "SELECT id, display_name FROM users WHERE id IN (%s)",
	"issue_class": "SELECT id, title FROM issue_classes WHERE id IN (%s)",
}

// AuditObjectNames names the objects of a page of events (an appeal by its number, an
// enterprise, department, leader or user by name), keyed "type:id". Only those who may
// read the log may ask.
func AuditObjectNames(ctx context.Context, d *db.DB, a db.Actor, events []db.AuditEvent) (map[string]string, error) {
	if !a.Is(db.RoleAuditor, db.RoleAdmin) {
		return nil, db.Forbidden()
	}
	ids := map[string][]any{}
	for _, e := range events {
		if e.ObjectID != nil && auditNameQueries[e.ObjectType] != "" {
			ids[e.ObjectType] = append(ids[e.ObjectType], *e.ObjectID)
		}
	}
	out := map[string]string{}
	q := d.R(ctx)
	for typ, list := range ids {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(list)), ",")
		rows, err := q.Query(fmt.Sprintf(auditNameQueries[typ], marks), list...)
		if err != nil {
			return nil, fmt.Errorf("db: audit object names: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, fmt.Errorf("db: audit object names: %w", err)
			}
			out[fmt.Sprintf("%s:%d", typ, id)] = name
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("db: audit object names: %w", err)
		}
	}
	return out, nil
}
