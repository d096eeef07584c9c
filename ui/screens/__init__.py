"""The screens: one per step of the clerk's work, each a view over the desk or the enrolment flow."""
