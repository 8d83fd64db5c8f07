// Package jpeg decodes baseline and progressive JPEG images and encodes
// baseline ones, written from ITU-T T.81.
package jpeg
