"""Institution monitoring (teacher education, concept 000)."""
