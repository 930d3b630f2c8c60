"""The Smoothie firmware that ships with this software, and how the motion daemon keeps the board on it."""
