// Package products is the products screen (issue 9): a list searched by SKU prefix, part of the
// name or a scanned GTIN or barcode, paged by keyset in SKU order, and a product's page with its
// dimensions, barcodes and stock per warehouse. A scan that names one product opens it.
package products
