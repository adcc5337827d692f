//! Discord API emulator (placeholder, replaced by the emulator work).
