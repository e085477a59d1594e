"""Run it the way a Python suite would:  npx axys-mock exec -- python3 -m unittest -v test_axys_mock"""
import os
import unittest

import axys_mock


class AxysMockTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.info = axys_mock.ready()

    @classmethod
    def tearDownClass(cls):
        cls.info["stop"]()

    def setUp(self):
        axys_mock.control(self.info, "POST", "/_mock/reset", {})

    def test_ready_json_matches_the_environment(self):
        self.assertEqual(self.info["apiUrl"], os.environ["AXYS_MOCK_API_URL"])
        self.assertEqual(self.info["apiKey"], os.environ["AXYS_MOCK_API_KEY"])
        self.assertTrue(os.path.isfile(self.info["cert"]))

    def test_lists_cardholders_over_mtls(self):
        status, body = axys_mock.get(self.info, "/v2/cardholders")
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "success")

    def test_wrong_api_key_is_401(self):
        status, body = axys_mock.get(self.info, "/v2/cardholders", api_key="axys_stg_wrong")
        self.assertEqual(status, 401)
        self.assertEqual(body["status"], "error")


if __name__ == "__main__":
    unittest.main()
