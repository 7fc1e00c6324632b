//! PLACEHOLDER: persistence for KetaPath (issue 3).
