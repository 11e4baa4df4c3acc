module example.com/go-2026-5960-github.com-xuri-excelize-v2

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
	github.com/xuri/excelize/v2 v2.10.1
)
