import pytest
from django.test import Client


@pytest.mark.django_db
class TestApiConventions:
    def test_openapi_schema_is_public_and_version_3(self, client: Client) -> None:
        schema = client.get("/api/v1/openapi.json").json()
        assert schema["openapi"].startswith("3")
        assert "/api/v1/agencies" in schema["paths"]

    def test_docs_page_uses_no_cdn(self, client: Client) -> None:
        body = client.get("/api/v1/docs").content.decode()
        assert "swagger" in body.lower()
        assert "cdn." not in body and "https://" not in body.split("<body")[0]

    def test_pagination_shape_and_limits(self, client: Client, world, api_token) -> None:
        headers = api_token(world.officer_a)
        page = client.get("/api/v1/agencies?page=2&page_size=3", **headers).json()
        assert page["count"] == 8 and len(page["results"]) == 3
        too_big = client.get("/api/v1/agencies?page_size=201", **headers)
        assert too_big.status_code == 422 and too_big.json()["code"] == "validation_error"

    def test_unknown_api_path_is_a_json_404(self, client: Client) -> None:
        response = client.get("/api/v1/no/such/thing")
        assert response.status_code == 404 and response.json()["code"] == "not_found"

    def test_post_to_an_unknown_api_path_is_a_json_404_not_a_csrf_page(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post("/api/v1/no/such/thing", "{}", content_type="application/json")
        assert response.status_code == 404 and response.json()["code"] == "not_found"

    def test_unknown_object_is_a_json_404(self, client: Client, world, api_token) -> None:
        response = client.get("/api/v1/agencies/999999", **api_token(world.officer_a))
        assert response.status_code == 404
        assert response.json()["message"]

    def test_malformed_json_is_a_400_in_the_error_format(self, client: Client) -> None:
        response = client.post("/api/v1/auth/token", "{bad", content_type="application/json")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "bad_request" and "JSON" in body["message"]

    def test_missing_fields_are_a_422_listing_them(self, client: Client) -> None:
        response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
        assert response.status_code == 422
        assert any("password" in e["loc"] for e in response.json()["detail"]["errors"])

    def test_healthz(self, client: Client) -> None:
        assert client.get("/healthz").json() == {"ok": True}
