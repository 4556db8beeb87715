// The CNetKit target is header-only; this file exists so SwiftPM builds it as a C target.
#include "CNetKit.h"
