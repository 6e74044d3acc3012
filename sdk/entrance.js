// Parley's host-page loader (the Sobot Web-JS SDK's entrance.js).
// This is a placeholder: the loader (the zc command queue, launcher, iframe,
// invitations, traces, callbacks) comes in a later issue. The server already serves
// this file at /chat/frame/v2/entrance.js (folder set by --sdk / PARLEY_SDK).
