// Package intake is the Intake screen: the files `oms import` brought in, newest first (when,
// channel, format, file and what became of their orders: new, updated, rejected), live while an
// import runs in another terminal; a run's page with who ran it, the file's hash and its
// rejected orders with their reasons; and the open order exceptions (orders a channel changed
// after picking started), each opening its order.
package intake
