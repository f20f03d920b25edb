package simulate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The simulator proves the floor's own code paths only if it runs no SQL of its own: every
// statement must be a db/<area> command or query a screen also calls (or one of db's fault
// helpers). So its source — this package and the command's file — may not import a driver or
// database/sql, may not call a query or transaction method on a connection (a *db.DB embeds
// sqlx's, so the methods are reachable without importing sqlx), and may not hold SQL text.
func TestTheSimulatorRunsNoSQLOfItsOwn(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("..", "cli", "simulate.go"))
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		checked++
		for _, problem := range ownSQL(t, path, nil) {
			t.Errorf("%s", problem)
		}
	}
	if checked < 8 {
		t.Fatalf("only %d files checked: is the package where the test thinks?", checked)
	}
}

// The check itself finds each kind of SQL, so the test above cannot pass by finding nothing.
func TestTheNoSQLCheckFindsSQL(t *testing.T) {
	for name, src := range map[string]string{
		"a driver":          "package x\nimport _ \"github.com/lib/pq\"\n",
		"sqlx":              "package x\nimport \"github.com/jmoiron/sqlx\"\nvar _ sqlx.Tx\n",
		"database/sql":      "package x\nimport \"database/sql\"\nvar _ sql.DB\n",
		"a query method":    "package x\nfunc f(d interface{ GetContext(...any) error }) { d.GetContext(nil) }\n",
		"a transaction":     "package x\nfunc f(d interface{ InTx(any) error }) { d.InTx(nil) }\n",
		"an update":         "package x\nconst q = `UPDATE pick_batches SET lease_expires_at = now()`\n",
		"a select":          "package x\nvar q = \"select id from orders where number = $1\"\n",
		"a function call":   "package x\nvar q = \"SELECT oms_pick_claim($1, $2)\"\n",
		"an insert":         "package x\nvar q = \"insert into stock_movements (qty) values (1)\"\n",
		"a delete":          "package x\nvar q = \"DELETE FROM reservations\"\n",
		"pg_terminate_back": "package x\nvar q = \"pg_terminate_backend(pid)\"\n",
	} {
		if got := ownSQL(t, name+".go", []byte(src)); len(got) == 0 {
			t.Errorf("%s: not found in %q", name, src)
		}
	}
	// Sentences about SQL-ish words are not SQL.
	clean := "package x\nvar s = \"select a box, then update the screen\"\nfunc f(w interface{ Take(string) }) { w.Take(\"x\") }\n"
	if got := ownSQL(t, "clean.go", []byte(clean)); len(got) != 0 {
		t.Errorf("prose taken for SQL: %v", got)
	}
}

var (
	forbiddenImports = []string{"database/sql", "database/sql/driver", "github.com/jmoiron/sqlx", "github.com/lib/pq",
		"github.com/jackc/pgx", "github.com/jackc/pgx/v5"}
	// The methods of *sql.DB, *sqlx.DB, *sql.Tx and *db.DB that run statements or transactions.
	queryMethods = map[string]bool{
		"Exec": true, "ExecContext": true, "MustExec": true, "MustExecContext": true, "NamedExec": true, "NamedExecContext": true,
		"Query": true, "QueryContext": true, "Queryx": true, "QueryxContext": true, "QueryRow": true, "QueryRowContext": true,
		"QueryRowx": true, "QueryRowxContext": true, "NamedQuery": true, "NamedQueryContext": true,
		"Get": true, "GetContext": true, "Select": true, "SelectContext": true,
		"Prepare": true, "PrepareContext": true, "Preparex": true, "PreparexContext": true, "PrepareNamed": true,
		"Begin": true, "BeginTx": true, "Beginx": true, "BeginTxx": true, "MustBegin": true, "MustBeginTx": true,
		"InTx": true, "InSerializableTx": true, "InSnapshot": true, "TxStmt": true, "Conn": true, "Raw": true,
	}
	// SQL statements as text: a verb followed by its clause, or a call of one of the schema's
	// functions or PostgreSQL's administration functions.
	sqlText = regexp.MustCompile(`(?is)\b(select\b.+\bfrom\b|select\s+[a-z_]+\s*\(|insert\s+into\b|update\s+[a-z_."]+\s+set\b|delete\s+from\b|` +
		`\b(create|alter|drop|truncate|grant|revoke)\s+(table|index|role|function|view|schema|database)\b|\bcopy\s+[a-z_]+\s*(\(|from|to)|` +
		`\boms_[a-z_]+\s*\(|\bpg_[a-z_]+\s*\(|\b(begin|commit|rollback)\s*;|\bset\s+(local\s+)?(role|session)\b)`)
)

// ownSQL lists what in the file at path (or src, when given) runs or holds SQL.
func ownSQL(t *testing.T, path string, src []byte) []string {
	t.Helper()
	fset := token.NewFileSet()
	var f *ast.File
	var err error
	if src != nil {
		f, err = parser.ParseFile(fset, path, src, parser.ParseComments)
	} else {
		f, err = parser.ParseFile(fset, path, nil, parser.ParseComments)
	}
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		for _, bad := range forbiddenImports {
			if p == bad || strings.HasPrefix(p, bad+"/") {
				problems = append(problems, fset.Position(imp.Pos()).String()+": imports "+p)
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && queryMethods[sel.Sel.Name] {
				problems = append(problems, fset.Position(n.Pos()).String()+": calls ."+sel.Sel.Name)
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if s, err := strconv.Unquote(n.Value); err == nil && sqlText.MatchString(s) {
					problems = append(problems, fset.Position(n.Pos()).String()+": SQL text "+strconv.Quote(s))
				}
			}
		}
		return true
	})
	return problems
}
